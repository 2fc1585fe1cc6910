import { afterEach, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type Harness } from './support/delivery-harness.js';
import { manualClock } from './support/seed.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let open: Array<Harness | Receiver> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

function track<T extends Harness | Receiver>(thing: T): T {
  open.push(thing);
  return thing;
}

describe('retries', () => {
  it('503, 500, then 200: three attempts in the log, then succeeded', async () => {
    const statuses = [503, 500, 200];
    const receiver = track(await startReceiver((_req, i) => ({ status: statuses[i] ?? 200, body: `answer ${i + 1}` })));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 50, 100] } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    const row = await h.waitForStatus(webhook.id, deliveryId!, 'succeeded');
    expect(row).toMatchObject({ attempt_count: 3, last_status_code: 200, next_attempt_at: null });
    const attempts = h.attempts(deliveryId!);
    expect(attempts.map((a) => [a.attempt_number, a.status_code, a.error, a.response_excerpt])).toEqual([
      [1, 503, 'http_status', 'answer 1'],
      [2, 500, 'http_status', 'answer 2'],
      [3, 200, null, 'answer 3'],
    ]);
    expect(receiver.requests).toHaveLength(3);
    // Same delivery and body on every attempt; each attempt is signed afresh.
    expect(new Set(receiver.requests.map((r) => r.headers['anchor-delivery-id']))).toEqual(new Set([deliveryId]));
    expect(new Set(receiver.requests.map((r) => r.rawBody.toString()))).toHaveProperty('size', 1);
    expect(attempts.every((a) => JSON.parse(a.request_headers)['anchor-signature'].startsWith('t='))).toBe(true);
  });

  it('a receiver that always fails ends dead after the configured schedule', async () => {
    const receiver = track(await startReceiver(() => ({ status: 500 })));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 30, 60, 90] } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    const row = await h.waitForStatus(webhook.id, deliveryId!, 'dead');
    expect(row).toMatchObject({ attempt_count: 4, last_status_code: 500, next_attempt_at: null });
    expect(h.attempts(deliveryId!).map((a) => a.attempt_number)).toEqual([1, 2, 3, 4]);
    await h.worker.idle();
    expect(receiver.requests).toHaveLength(4);
  });

  it('410 Gone stops at once', async () => {
    const receiver = track(await startReceiver(() => ({ status: 410, body: 'gone' })));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 10, 10, 10] } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    expect(await h.waitForStatus(webhook.id, deliveryId!, 'dead')).toMatchObject({ attempt_count: 1, last_status_code: 410 });
    await h.worker.idle();
    expect(receiver.requests).toHaveLength(1);
  });

  it('a 302 is not followed: the Location target receives nothing', async () => {
    const target = track(await startReceiver());
    const receiver = track(await startReceiver(() => ({ status: 302, headers: { location: target.url } })));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 3_600_000] } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    expect(await h.waitForStatus(webhook.id, deliveryId!, 'failed')).toMatchObject({ attempt_count: 1, last_status_code: 302 });
    const [attempt] = h.attempts(deliveryId!);
    expect(attempt).toMatchObject({ status_code: 302, error: 'redirect' });
    expect(attempt!.error_message).toContain('redirects are not followed');
    expect(target.requests).toHaveLength(0);
  });

  it('a receiver that stalls past the timeout is an attempt error `timeout`', async () => {
    const receiver = track(await startReceiver(() => 'stall'));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 3_600_000], timeoutMs: 300 } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    expect(await h.waitForStatus(webhook.id, deliveryId!, 'failed')).toMatchObject({ attempt_count: 1, last_status_code: null });
    expect(h.attempts(deliveryId!)[0]).toMatchObject({ status_code: null, error: 'timeout', response_excerpt: null });
  });

  it('a refused connection is an attempt error `connection`', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0, 3_600_000] } }));
    const webhook = h.createWebhook(url);
    const [deliveryId] = h.publish().deliveryIds;

    await h.waitForStatus(webhook.id, deliveryId!, 'failed');
    expect(h.attempts(deliveryId!)[0]).toMatchObject({ status_code: null, error: 'connection' });
  });

  it('keeps only the first 1 KiB of a large response body', async () => {
    const receiver = track(await startReceiver(() => ({ status: 500, body: 'x'.repeat(200_000) })));
    const h = track(startDeliveryHarness({ delivery: { retrySchedule: [0] } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;

    await h.waitForStatus(webhook.id, deliveryId!, 'dead');
    expect(h.attempts(deliveryId!)[0]!.response_excerpt).toBe('x'.repeat(1024));
  });
});

describe('Retry-After on 429 and 503', () => {
  // A frozen clock makes `next_attempt_at` exact: it is the attempt's end plus the delay.
  const schedule = [0, 50, 3_600_000];

  async function firstRetryAt(reply: { status: number; headers?: Record<string, string> }) {
    const clock = manualClock();
    const receiver = track(await startReceiver(() => reply));
    const h = track(startDeliveryHarness({ clock, delivery: { retrySchedule: schedule } }));
    const webhook = h.createWebhook(receiver.url);
    const [deliveryId] = h.publish().deliveryIds;
    const row = await h.waitForStatus(webhook.id, deliveryId!, ['failed', 'dead']);
    return row.next_attempt_at! - clock.now();
  }

  it('honours delay-seconds on a 503', async () => {
    expect(await firstRetryAt({ status: 503, headers: { 'retry-after': '120' } })).toBe(120_000);
  });

  it('honours an HTTP date on a 429', async () => {
    const clock = manualClock();
    const at = new Date(clock.now() + 90_000).toUTCString();
    expect(await firstRetryAt({ status: 429, headers: { 'retry-after': at } })).toBe(90_000);
  });

  it('is clamped to the schedule: never sooner than its delay, never later than its longest step', async () => {
    expect(await firstRetryAt({ status: 503, headers: { 'retry-after': '0' } })).toBe(50);
    expect(await firstRetryAt({ status: 429, headers: { 'retry-after': '864000' } })).toBe(3_600_000);
  });

  it('is ignored on other statuses', async () => {
    expect(await firstRetryAt({ status: 500, headers: { 'retry-after': '120' } })).toBe(50);
  });
});

describe('concurrency', () => {
  it('one slow receiver cannot starve another: it holds at most the per-webhook limit', async () => {
    let slowInFlight = 0;
    let slowMax = 0;
    const slow = track(
      await startReceiver(() => {
        slowInFlight++;
        slowMax = Math.max(slowMax, slowInFlight);
        setTimeout(() => slowInFlight--, 150);
        return { status: 200, delayMs: 150 };
      }),
    );
    const fast = track(await startReceiver());
    const h = track(startDeliveryHarness({ delivery: { concurrency: 4, perWebhookConcurrency: 2, retrySchedule: [0] } }));
    h.createWebhook(slow.url, ['task.completed']);
    h.createWebhook(fast.url, ['task.failed']);
    for (let i = 0; i < 12; i++) h.publish('task.completed');
    for (let i = 0; i < 6; i++) h.publish('task.failed');

    await fast.waitFor(6);
    // Every fast delivery went out while the slow receiver still had most of its backlog.
    expect(slow.requests.length).toBeLessThan(12);
    await slow.waitFor(12);
    expect(slowMax).toBe(2);
  });
});
