import { describe, expect, it } from 'vitest';
import { createEventCatalog } from '../../server/delivery/event-catalog.js';
import { createPublisher } from '../../server/delivery/publish.js';
import { settleAttempt } from '../../server/delivery/after-attempt.js';
import { readSpec } from '../../server/spec.js';
import { createDeliveryStore, type AttemptRecord, type Claim } from '../../server/storage/deliveries.js';
import { createEventStore } from '../../server/storage/events.js';
import { createIdSource } from '../../server/storage/ids.js';
import { manualClock, seedDatabase } from './support/seed.js';

const catalog = createEventCatalog(readSpec('full'));
const ids = createIdSource();
const policy = { retrySchedule: [0], autoDisableAfterMs: 5 * 86_400_000 };
const LEASE = 15_000;

function setup(schedule: number[] = [0, 100, 200]) {
  const seed = seedDatabase();
  const clock = manualClock();
  const store = createDeliveryStore(seed.db);
  const publisher = createPublisher({ events: createEventStore(seed.db, ids), catalog, clock, retrySchedule: schedule, ids });
  const publish = (type: 'task.completed' | 'task.failed' = 'task.completed') => publisher.publish({ projectId: seed.projectId, type });
  const claim = (limit = 50, perWebhook = 5) => store.claimDue({ now: clock.now(), limit, perWebhook, leaseMs: LEASE });
  const record = (c: Claim, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
    attemptNumber: c.attemptNumber,
    startedAt: clock.now(),
    durationMs: 3,
    statusCode: 500,
    error: 'http_status',
    errorMessage: 'The receiver answered 500.',
    responseExcerpt: 'oops',
    requestHeaders: { 'anchor-delivery-id': c.deliveryId },
    ...over,
  });
  // The store records what the decision rules; `retryAt` stands for the schedule's answer.
  const finish = (c: Claim, attempt: AttemptRecord, retryAt: number | null) =>
    store.finishAttempts([{ claim: c, attempt, retryAfter: null, finishedAt: clock.now() }], (facts) => settleAttempt(facts, retryAt, policy))[0]!;
  const fail = (c: Claim, retryAt: number | null) => finish(c, record(c), retryAt);
  const succeed = (c: Claim) => finish(c, record(c, { statusCode: 200, error: null, errorMessage: null }), null);
  return { ...seed, clock, store, publish, claim, fail, succeed };
}

describe('publish fan-out', () => {
  it('creates one pending delivery per enabled, live webhook subscribed to the type, with the stored body', () => {
    const t = setup();
    const a = t.addWebhook({ events: ['task.completed', 'task.failed'] });
    const b = t.addWebhook({ events: ['task.completed'] });
    t.addWebhook({ events: ['task.failed'] });
    t.addWebhook({ events: ['task.completed'], enabled: false });
    t.addWebhook({ events: ['task.completed'], deleted: true });
    t.addWebhook({ events: ['task.completed'], project: t.addProject() });

    const published = t.publish();
    expect(published.deliveryIds).toHaveLength(2);
    const claimed = t.claim();
    expect(claimed.map((c) => c.webhookId).sort()).toEqual([a, b].sort());
    for (const c of claimed) {
      expect(c.eventId).toBe(published.id);
      expect(c.attemptNumber).toBe(1);
      expect(JSON.parse(c.payload)).toMatchObject({ id: published.id, type: 'task.completed', project_id: t.projectId });
    }
  });

  it('rejects data that breaks the payload schema and stores nothing', () => {
    const t = setup();
    t.addWebhook();
    const publisher = createPublisher({ events: createEventStore(t.db, ids), catalog, clock: t.clock, retrySchedule: [0], ids });
    expect(() => publisher.publish({ projectId: t.projectId, type: 'task.completed', data: { task_id: 'nope' } })).toThrow(/data does not match/);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
    expect(t.claim()).toEqual([]);
  });
});

describe('claimDue', () => {
  it('claims only what is due, oldest first, up to the limit', () => {
    const t = setup([50]);
    t.addWebhook();
    const first = t.publish();
    t.clock.advance(10);
    const second = t.publish();
    expect(t.claim()).toEqual([]); // first attempt is 50 ms after publishing
    t.clock.advance(45);
    expect(t.claim().map((c) => c.eventId)).toEqual([first.id]);
    t.clock.advance(10);
    expect(t.claim().map((c) => c.eventId)).toEqual([second.id]);
  });

  it('holds at most perWebhook in flight per webhook, counting earlier claims, so one webhook cannot take every slot', () => {
    const t = setup();
    const slow = t.addWebhook({ events: ['task.completed'] });
    for (let i = 0; i < 10; i++) t.publish('task.completed');
    const fast = t.addWebhook({ events: ['task.failed'] });
    t.publish('task.failed');

    const firstRound = t.claim(50, 3);
    expect(firstRound.filter((c) => c.webhookId === slow)).toHaveLength(3);
    expect(firstRound.filter((c) => c.webhookId === fast)).toHaveLength(1);
    expect(t.claim(50, 3)).toEqual([]); // the slow webhook is at its limit

    t.succeed(firstRound.find((c) => c.webhookId === slow)!);
    expect(t.claim(50, 3).map((c) => c.webhookId)).toEqual([slow]);
  });

  it('takes the payload the caller already holds, reads the stored one otherwise, and the webhook URL as it is at claim time', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const held = t.publish();
    const other = t.publish();
    t.db.prepare('UPDATE webhooks SET url = ? WHERE id = ?').run('https://changed.example.com/hook', webhook);
    const claimed = t.store.claimDue({
      now: t.clock.now(),
      limit: 50,
      perWebhook: 5,
      leaseMs: LEASE,
      knownPayload: (deliveryId) => (deliveryId === held.deliveryIds[0] ? 'the payload the publisher held' : undefined),
    });
    expect(claimed.map((c) => [c.eventId, c.payload, c.url])).toEqual([
      [held.id, 'the payload the publisher held', 'https://changed.example.com/hook'],
      [other.id, t.store.payloadOf(other.id), 'https://changed.example.com/hook'],
    ]);
    expect(JSON.parse(claimed[1]!.payload)).toMatchObject({ id: other.id, type: 'task.completed' });
  });

  it('respects the global limit', () => {
    const t = setup();
    t.addWebhook();
    for (let i = 0; i < 4; i++) t.publish();
    expect(t.claim(3, 10)).toHaveLength(3);
    expect(t.claim(3, 10)).toHaveLength(1);
  });

  it('cancels the remaining retries of a disabled or deleted webhook when they fall due', () => {
    const t = setup();
    const disabled = t.addWebhook();
    const deleted = t.addWebhook();
    const ids = t.publish().deliveryIds;
    t.setWebhook(disabled, { enabled: false });
    t.setWebhook(deleted, { deleted: true });
    expect(t.claim()).toEqual([]);
    expect(t.store.cancelInactive(t.clock.now())).toBe(2);
    for (const [webhook, id] of [[disabled, ids[0]!], [deleted, ids[1]!]] as const) {
      expect(t.store.get(webhook, id)).toMatchObject({ status: 'dead', next_attempt_at: null, attempt_count: 0 });
    }
  });
});

describe('disable, then re-enable (as the docs state it: "Disabling, re-enabling and deleting")', () => {
  it('a retry falling due while disabled is cancelled for good; one falling due after re-enabling goes ahead', () => {
    const t = setup([0, 1_000]);
    const early = t.addWebhook();
    const late = t.addWebhook();
    t.publish();
    const first = t.claim();
    for (const c of first) t.fail(c, t.clock.now() + 1_000);
    const deliveryOf = (webhook: string) => first.find((c) => c.webhookId === webhook)!.deliveryId;
    t.setWebhook(early, { enabled: false });
    t.setWebhook(late, { enabled: false });
    expect(t.store.get(late, deliveryOf(late))).toMatchObject({ status: 'failed', next_attempt_at: t.clock.now() + 1_000 });

    t.setWebhook(early, { enabled: true }); // back before its retry is due
    t.clock.advance(1_000);
    expect(t.store.cancelInactive(t.clock.now())).toBe(1); // the worker runs this on every pass
    t.setWebhook(late, { enabled: true }); // back after its retry was cancelled

    expect(t.claim().map((c) => [c.webhookId, c.deliveryId, c.attemptNumber])).toEqual([[early, deliveryOf(early), 2]]);
    expect(t.store.get(late, deliveryOf(late))).toMatchObject({ status: 'dead', next_attempt_at: null, attempt_count: 1 });
    expect(t.publish().deliveryIds).toHaveLength(2); // both get new events again
  });
});

describe('leases', () => {
  it('a claim outliving its lease is reclaimed and retried with the same attempt number', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const [deliveryId] = t.publish().deliveryIds;
    const [first] = t.claim();
    expect(t.store.get(webhook, deliveryId!)).toMatchObject({ status: 'in_flight', lease_until: t.clock.now() + LEASE });

    t.clock.advance(LEASE - 1);
    expect(t.store.reclaimExpired(t.clock.now())).toBe(0);
    expect(t.claim()).toEqual([]);

    t.clock.advance(1);
    expect(t.store.reclaimExpired(t.clock.now())).toBe(1);
    const [again] = t.claim();
    expect(again).toMatchObject({ deliveryId, attemptNumber: first!.attemptNumber });

    // The first claim was taken over: its late result is dropped, the new claim's is kept.
    expect(t.fail(first!, null)).toEqual({ recorded: false });
    expect(t.succeed(again!)).toMatchObject({ recorded: true, status: 'succeeded' });
    expect(t.store.attempts(deliveryId!)).toHaveLength(1);
  });

  it('nextWakeAt is the next due time or lease expiry, never a time already past', () => {
    const t = setup([0, 1_000]);
    t.addWebhook();
    expect(t.store.nextWakeAt(t.clock.now())).toBeNull();
    t.publish();
    expect(t.store.nextWakeAt(t.clock.now())).toBeNull(); // due now: a claim, not a sleep, picks it up
    const [c] = t.claim();
    expect(t.store.nextWakeAt(t.clock.now())).toBe(t.clock.now() + LEASE);
    t.fail(c!, t.clock.now() + 1_000);
    expect(t.store.nextWakeAt(t.clock.now())).toBe(t.clock.now() + 1_000);
  });
});

describe('finishAttempt', () => {
  it('records every attempt and moves failed → succeeded, counting attempts', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const [id] = t.publish().deliveryIds;
    const [c1] = t.claim();
    expect(t.fail(c1!, t.clock.now() + 100)).toMatchObject({ status: 'failed' });
    expect(t.store.get(webhook, id!)).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: 500, next_attempt_at: t.clock.now() + 100 });
    t.clock.advance(100);
    const [c2] = t.claim();
    expect(c2!.attemptNumber).toBe(2);
    t.succeed(c2!);
    expect(t.store.get(webhook, id!)).toMatchObject({ status: 'succeeded', attempt_count: 2, last_status_code: 200, next_attempt_at: null });
    expect(t.store.attempts(id!).map((a) => [a.attempt_number, a.status_code, a.error])).toEqual([
      [1, 500, 'http_status'],
      [2, 200, null],
    ]);
  });

  it('an attempt in flight when its webhook is disabled finishes, but is not retried', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const [id] = t.publish().deliveryIds;
    const [c] = t.claim();
    t.setWebhook(webhook, { enabled: false });
    expect(t.fail(c!, t.clock.now() + 100)).toMatchObject({ recorded: true, status: 'dead' });
    expect(t.store.attempts(id!)).toHaveLength(1);
  });

  it('tracks failing_since and disables a webhook whose deliveries all failed for the auto-disable period', () => {
    const t = setup([0, 1_000]);
    const webhook = t.addWebhook();
    t.publish();
    const started = t.clock.now();
    t.fail(t.claim()[0]!, null);
    expect(t.webhook(webhook)).toMatchObject({ enabled: 1, failing_since: started });

    t.clock.advance(86_400_000);
    t.publish();
    t.succeed(t.claim()[0]!); // a success ends the failing run
    expect(t.webhook(webhook).failing_since).toBeNull();

    const runStart = t.clock.now();
    t.publish();
    t.fail(t.claim()[0]!, null);
    t.clock.advance(5 * 86_400_000 - 1);
    t.publish();
    expect(t.fail(t.claim()[0]!, null).webhookAutoDisabled).toBe(false);
    t.clock.advance(1);
    t.publish();
    expect(t.fail(t.claim()[0]!, null).webhookAutoDisabled).toBe(true);
    expect(t.webhook(webhook)).toEqual({ enabled: 0, disabled_reason: 'endpoint_failing', failing_since: runStart });
    expect(t.publish().deliveryIds).toEqual([]); // a disabled webhook gets no new deliveries
  });
});

describe('redeliver', () => {
  it('answers in_progress while pending or in flight, and not_found for another webhook’s delivery', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const other = t.addWebhook({ events: ['task.failed'] });
    const [id] = t.publish().deliveryIds;
    expect(t.store.redeliver(webhook, id!, t.clock.now())).toEqual({ kind: 'in_progress' });
    t.claim();
    expect(t.store.redeliver(webhook, id!, t.clock.now())).toEqual({ kind: 'in_progress' });
    expect(t.store.redeliver(other, id!, t.clock.now())).toEqual({ kind: 'not_found' });
  });

  it('moves a failed delivery’s next retry to now and keeps its schedule', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const [id] = t.publish().deliveryIds;
    t.fail(t.claim()[0]!, t.clock.now() + 3_600_000);
    const result = t.store.redeliver(webhook, id!, t.clock.now());
    expect(result).toMatchObject({ kind: 'scheduled', delivery: { status: 'pending', next_attempt_at: t.clock.now(), attempt_count: 1 } });
    const [again] = t.claim();
    expect(again).toMatchObject({ attemptNumber: 2, oneShot: false });
  });

  it('gives a dead or succeeded delivery exactly one more attempt, numbered after the last', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const [id] = t.publish().deliveryIds;
    t.fail(t.claim()[0]!, null);
    expect(t.store.get(webhook, id!)!.status).toBe('dead');
    t.store.redeliver(webhook, id!, t.clock.now());
    const [again] = t.claim();
    expect(again).toMatchObject({ attemptNumber: 2, oneShot: true });
    t.succeed(again!);
    t.store.redeliver(webhook, id!, t.clock.now());
    expect(t.claim()[0]).toMatchObject({ attemptNumber: 3, oneShot: true });
  });
});

describe('prune', () => {
  it('deletes events, deliveries and attempts past retention, and nothing in flight or newer', () => {
    const t = setup();
    const webhook = t.addWebhook();
    const old = t.publish();
    t.succeed(t.claim()[0]!);
    const oldInFlight = t.publish();
    t.claim();
    t.clock.advance(7 * 86_400_000);
    const fresh = t.publish();

    const pruned = t.store.prune(t.clock.now() - 7 * 86_400_000 + 1);
    expect(pruned).toEqual({ events: 1, deliveries: 1, attempts: 1 });
    expect(t.store.get(webhook, old.deliveryIds[0]!)).toBeUndefined();
    expect(t.store.payloadOf(old.id)).toBeUndefined();
    expect(t.store.get(webhook, oldInFlight.deliveryIds[0]!)?.status).toBe('in_flight');
    expect(t.store.get(webhook, fresh.deliveryIds[0]!)?.status).toBe('pending');
  });
});
