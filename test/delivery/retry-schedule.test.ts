import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { clampRetryAfter, nextRetryDelay, parseRetryAfter } from '../../server/delivery/retry-schedule.js';
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule } from '../../server/durations.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0ms', 0],
    ['250ms', 250],
    ['5s', 5_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['5d', 432_000_000],
    [' 10h ', 36_000_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '-1s', '5 s', '5sec', 's', '1e3ms', '0x10ms', 'five'])('rejects %j with a message naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration`);
  });
});

describe('parseRetrySchedule', () => {
  it('reads comma-separated durations, one attempt each', () => {
    expect(parseRetrySchedule('0,100ms,200ms')).toEqual([0, 100, 200]);
    expect(parseRetrySchedule('0, 5s, 5m, 30m, 2h, 5h, 10h, 10h')).toEqual([...DEFAULT_RETRY_SCHEDULE]);
  });

  it('rejects empty elements and bad durations', () => {
    expect(() => parseRetrySchedule('0,,5s')).toThrow('not a retry schedule');
    expect(() => parseRetrySchedule('0,5s,')).toThrow('not a retry schedule');
    expect(() => parseRetrySchedule('0,5x')).toThrow('"5x" is not a duration');
  });

  it('defaults to immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([0, 5e3, 300e3, 1_800e3, 7_200e3, 18_000e3, 36_000e3, 36_000e3]);
  });
});

describe('nextRetryDelay', () => {
  const schedule = [0, 100, 200];
  it('gives the delay before the next attempt, then null once every attempt is used', () => {
    expect(nextRetryDelay(schedule, 1)).toBe(100);
    expect(nextRetryDelay(schedule, 2)).toBe(200);
    expect(nextRetryDelay(schedule, 3)).toBeNull();
    expect(nextRetryDelay(schedule, 9)).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-05-14T09:00:00.000Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 14 May 2026 09:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 14 May 2026 08:00:00 GMT', now)).toBe(0);
  });
  it.each([null, undefined, '', '-5', '1.5', 'soon', '12abc'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});

describe('clampRetryAfter', () => {
  const schedule = [0, 5_000, 300_000, 36_000_000];
  it('honours a Retry-After inside the bounds', () => {
    expect(clampRetryAfter(schedule, 5_000, 60_000)).toBe(60_000);
  });
  it('never retries sooner than the schedule would', () => {
    expect(clampRetryAfter(schedule, 300_000, 1_000)).toBe(300_000);
  });
  it('never waits longer than the schedule’s longest step', () => {
    expect(clampRetryAfter(schedule, 5_000, 7 * 24 * 3_600_000)).toBe(36_000_000);
  });
});

describe('loadConfig: the delivery settings', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}).delivery;
    expect(config).toMatchObject({ timeoutMs: 10_000, concurrency: 50, perWebhookConcurrency: 5, autoDisableAfterMs: 5 * 86_400_000, retentionMs: 7 * 86_400_000 });
    expect(config.retrySchedule).toEqual(DEFAULT_RETRY_SCHEDULE);
  });
  it('reads every variable', () => {
    const config = loadConfig({
      ANCHOR_RETRY_SCHEDULE: '0,50ms,100ms',
      ANCHOR_DELIVERY_TIMEOUT_MS: '250',
      ANCHOR_DELIVERY_CONCURRENCY: '8',
      ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK: '2',
      ANCHOR_AUTO_DISABLE_AFTER: '1h',
    }).delivery;
    expect(config).toMatchObject({ retrySchedule: [0, 50, 100], timeoutMs: 250, concurrency: 8, perWebhookConcurrency: 2, autoDisableAfterMs: 3_600_000 });
  });
  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ ANCHOR_RETRY_SCHEDULE: '0,soon', ANCHOR_DELIVERY_TIMEOUT_MS: '0', ANCHOR_DELIVERY_CONCURRENCY: 'many' }).delivery).toThrow(
      /ANCHOR_RETRY_SCHEDULE="0,soon": "soon" is not a duration[\s\S]*ANCHOR_DELIVERY_TIMEOUT_MS="0"[\s\S]*ANCHOR_DELIVERY_CONCURRENCY="many"/,
    );
  });
});
