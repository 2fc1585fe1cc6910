import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, type DeliveryConfig } from '../../server/config.js';
import type { AttemptOutcome, AttemptRequest } from '../../server/delivery/attempt.js';
import type { Timers } from '../../server/delivery/worker.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime, type Runtime } from '../../server/runtime.js';
import { manualClock } from './support/seed.js';

const DAY = 86_400_000;
const SECRET_KEY = Buffer.alloc(32, 7);

/** Timers the test fires by hand, recording every sleep the worker asks for. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending.set(++next, { fn, ms }), next),
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    /** The sleeps currently scheduled, in ms. */
    sleeps: () => [...pending.values()].map((p) => p.ms),
  };
}

const ok: AttemptOutcome = { ok: true, statusCode: 200, error: null, errorMessage: null, responseExcerpt: 'ok', durationMs: 1, retryAfter: null };
const fail: AttemptOutcome = { ok: false, statusCode: 500, error: 'http_status', errorMessage: 'The receiver answered 500.', responseExcerpt: null, durationMs: 1, retryAfter: null };

let runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  runtimes = [];
});

/** A worker whose HTTP attempt is a stub: these tests are about scheduling, not sockets. */
function setup(answer: (req: AttemptRequest) => AttemptOutcome, delivery: Partial<DeliveryConfig> = {}, dbPath = ':memory:') {
  const clock = manualClock();
  const { timers, sleeps } = manualTimers();
  const sent: AttemptRequest[] = [];
  const runtime = createRuntime(defaultConfig({ dbPath, secretKey: SECRET_KEY, delivery: { retrySchedule: [0, 100, 200], ...delivery } }), {
    clock,
    timers,
    logger: createLogger({ level: 'silent' }),
    send: async (req) => (sent.push(req), answer(req)),
  });
  runtimes.push(runtime);
  const { stores, worker, publisher } = runtime;
  const { db, deliveries } = stores;
  const projectId = stores.projects.create();
  const webhook = stores.webhooks.create(projectId, { url: 'https://hooks.anchor-customer.io/hook', subscribed_events: ['task.completed'], description: null }, clock.now(), 5)!.webhook;
  runtime.start();
  return { runtime, clock, sleeps, db, stores, deliveries, worker, publisher, projectId, webhook, sent, publish: () => publisher.publish({ projectId, type: 'task.completed' }) };
}

describe('the claim loop', () => {
  it('sleeps exactly until the next retry is due, then retries when woken', async () => {
    const t = setup(() => fail);
    const [id] = t.publish().deliveryIds;
    await t.worker.idle();
    expect(t.deliveries.get(t.webhook.id, id!)).toMatchObject({ status: 'failed', next_attempt_at: t.clock.now() + 100 });
    expect(t.sleeps()).toEqual([100]); // not a poll: the time to the next due attempt

    t.clock.advance(99);
    t.worker.notify();
    await t.worker.idle();
    expect(t.sent).toHaveLength(1); // 1 ms early: nothing to do
    expect(t.sleeps()).toEqual([1]);

    t.clock.advance(1);
    t.worker.notify();
    await t.worker.idle();
    expect(t.sent).toHaveLength(2);
    expect(t.deliveries.get(t.webhook.id, id!)).toMatchObject({ status: 'failed', attempt_count: 2, next_attempt_at: t.clock.now() + 200 });
  });

  it('with nothing scheduled, sleeps only the idle poll interval (to notice rows other processes write)', async () => {
    const t = setup(() => ok, { idlePollMs: 750 });
    await t.worker.idle();
    expect(t.sleeps()).toEqual([750]);
  });

  it('signs each attempt afresh at the clock’s time, with the same body and delivery id', async () => {
    const t = setup(() => fail);
    t.publish();
    await t.worker.idle();
    t.clock.advance(100_000);
    t.worker.notify();
    await t.worker.idle();
    const [first, second] = t.sent;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['anchor-delivery-id']).toBe(first!.headers['anchor-delivery-id']);
    expect(Number(second!.headers['anchor-timestamp']) - Number(first!.headers['anchor-timestamp'])).toBe(100);
    expect(second!.headers['anchor-signature']).not.toBe(first!.headers['anchor-signature']);
  });
});

describe('housekeeping with an injected clock', () => {
  it('disables a webhook whose attempts all failed for ANCHOR_AUTO_DISABLE_AFTER, and stops its retries', async () => {
    const t = setup(() => fail, { retrySchedule: [0, 3_600_000], autoDisableAfterMs: 2 * DAY });
    t.publish();
    await t.worker.idle();
    expect(t.stores.webhooks.get(t.projectId, t.webhook.id)).toMatchObject({ enabled: true, disabled_reason: null });

    t.clock.advance(2 * DAY);
    const [last] = t.publish().deliveryIds;
    await t.worker.idle();
    expect(t.stores.webhooks.get(t.projectId, t.webhook.id)).toMatchObject({ enabled: false, disabled_reason: 'endpoint_failing' });
    expect(t.deliveries.get(t.webhook.id, last!)).toMatchObject({ status: 'dead', next_attempt_at: null });
    expect(t.publish().deliveryIds).toEqual([]);
  });

  it('prunes events, deliveries and attempts older than 7 days', async () => {
    const t = setup(() => ok, { pruneIntervalMs: 60_000 });
    const old = t.publish();
    await t.worker.idle();
    t.clock.advance(7 * DAY - 1);
    const recent = t.publish();
    await t.worker.idle();
    expect(t.deliveries.get(t.webhook.id, old.deliveryIds[0]!)).toBeDefined();

    t.clock.advance(60_000); // the next prune, once a pruneInterval later
    t.worker.notify();
    await t.worker.idle();
    expect(t.deliveries.get(t.webhook.id, old.deliveryIds[0]!)).toBeUndefined();
    expect(t.deliveries.attempts(old.deliveryIds[0]!)).toEqual([]);
    expect(t.deliveries.payloadOf(old.id)).toBeUndefined();
    expect(t.deliveries.get(t.webhook.id, recent.deliveryIds[0]!)).toMatchObject({ status: 'succeeded' });
  });

  it('on start, re-sends a delivery whose claim outlived its lease (a crash mid-attempt)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchor-worker-'));
    try {
      const dbPath = join(dir, 'anchor.sqlite');
      const t = setup(() => ok, {}, dbPath);
      await t.worker.stop();
      const [id] = t.publish().deliveryIds;
      // A previous process claimed it, then died before recording the attempt.
      const [claim] = t.deliveries.claimDue({ now: t.clock.now(), limit: 1, perWebhook: 5, leaseMs: 15_000 });
      expect(claim!.deliveryId).toBe(id);
      await t.runtime.close();

      const restarted = setup(() => ok, {}, dbPath);
      restarted.clock.set(t.clock.now() + 15_000);
      await restarted.worker.idle();
      expect(restarted.sent.map((r) => r.headers['anchor-delivery-id'])).toEqual([id]);
      expect(restarted.deliveries.get(t.webhook.id, id!)).toMatchObject({ status: 'succeeded', attempt_count: 1 });
      await restarted.runtime.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
