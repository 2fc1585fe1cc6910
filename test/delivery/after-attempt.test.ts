/** What happens after an attempt: one pure function, read as a table. */
import { describe, expect, it } from 'vitest';
import { afterAttempt } from '../../server/delivery/after-attempt.js';
import type { AttemptFacts } from '../../server/storage/deliveries.js';

const NOW = Date.parse('2026-05-14T09:00:00.000Z');
const DAY = 86_400_000;
const policy = { retrySchedule: [0, 5_000, 300_000], autoDisableAfterMs: 5 * DAY };

/** A first attempt answered 500 by a healthy, enabled webhook; each row changes what it names. */
const facts = (over: Partial<AttemptFacts> = {}): AttemptFacts => ({
  ok: false,
  statusCode: 500,
  retryAfter: null,
  attemptNumber: 1,
  oneShot: false,
  startedAt: NOW - 40,
  finishedAt: NOW,
  webhookActive: true,
  failingSince: null,
  ...over,
});

describe('afterAttempt', () => {
  const rows: Array<[string, Partial<AttemptFacts>, ReturnType<typeof afterAttempt>]> = [
    ['2xx: succeeded, and the failing run ends', { ok: true, statusCode: 200, failingSince: NOW - DAY }, { status: 'succeeded', nextAttemptAt: null, failingSince: null, autoDisable: false }],
    ['500 on attempt 1: retried after the 2nd step; the failing run starts at this attempt', {}, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 40, autoDisable: false }],
    ['500 on attempt 2: the 3rd step', { attemptNumber: 2 }, { status: 'failed', nextAttemptAt: NOW + 300_000, failingSince: NOW - 40, autoDisable: false }],
    ['500 on the last attempt: dead', { attemptNumber: 3 }, { status: 'dead', nextAttemptAt: null, failingSince: NOW - 40, autoDisable: false }],
    ['410 Gone: dead at once', { statusCode: 410 }, { status: 'dead', nextAttemptAt: null, failingSince: NOW - 40, autoDisable: false }],
    ['a one-shot redelivery that fails: dead', { oneShot: true }, { status: 'dead', nextAttemptAt: null, failingSince: NOW - 40, autoDisable: false }],
    ['a timeout (no status): retried', { statusCode: null }, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 40, autoDisable: false }],
    ['429 with Retry-After longer than the step: waits as asked', { statusCode: 429, retryAfter: '60' }, { status: 'failed', nextAttemptAt: NOW + 60_000, failingSince: NOW - 40, autoDisable: false }],
    ['503 with Retry-After shorter than the step: the step', { statusCode: 503, retryAfter: '1' }, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 40, autoDisable: false }],
    ['429 asking for days: capped at the longest step', { statusCode: 429, retryAfter: '999999' }, { status: 'failed', nextAttemptAt: NOW + 300_000, failingSince: NOW - 40, autoDisable: false }],
    ['Retry-After as an HTTP date', { statusCode: 503, retryAfter: new Date(NOW + 120_000).toUTCString() }, { status: 'failed', nextAttemptAt: NOW + 120_000, failingSince: NOW - 40, autoDisable: false }],
    ['unreadable Retry-After: the step', { statusCode: 429, retryAfter: 'soon' }, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 40, autoDisable: false }],
    ['the webhook was disabled meanwhile: no retry', { webhookActive: false }, { status: 'dead', nextAttemptAt: null, failingSince: NOW - 40, autoDisable: false }],
    ['a failing run younger than the auto-disable period: kept', { failingSince: NOW - 5 * DAY + 1 }, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 5 * DAY + 1, autoDisable: false }],
    ['a failing run as old as the period: the webhook is disabled', { failingSince: NOW - 5 * DAY }, { status: 'failed', nextAttemptAt: NOW + 5_000, failingSince: NOW - 5 * DAY, autoDisable: true }],
    ['a disabled webhook is not disabled again', { failingSince: NOW - 6 * DAY, webhookActive: false }, { status: 'dead', nextAttemptAt: null, failingSince: NOW - 6 * DAY, autoDisable: false }],
  ];
  it.each(rows)('%s', (_name, over, decision) => {
    expect(afterAttempt(facts(over), policy)).toEqual(decision);
  });
});
