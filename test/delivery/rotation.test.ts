import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../client/index.js';
import { startAppWithWorker, type AppWithWorker } from './support/app-with-worker.js';
import { startDeliveryHarness, type Harness } from './support/delivery-harness.js';
import { independentlyVerifies, independentV1, v1Values } from './support/independent-verify.js';
import { manualClock } from './support/seed.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let open: Array<Harness | Receiver | AppWithWorker> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

describe('secret rotation overlap (injected clock)', () => {
  it('signs with old and new secrets until the overlap ends, then with the new one only', async () => {
    const clock = manualClock();
    const receiver = await startReceiver();
    const h = startDeliveryHarness({ clock, delivery: { retrySchedule: [0] } });
    open.push(receiver, h);
    const { id: webhookId, secret: oldSecret } = h.createWebhook(receiver.url);

    h.publish();
    await receiver.waitFor(1);
    await h.worker.idle(); // recorded before the clock moves, or the lease would lapse
    expect(v1Values(receiver.requests[0]!.headers['anchor-signature'] as string)).toHaveLength(1);

    const overlapMs = 3_600_000;
    const { secret: newSecret } = h.stores.secrets.rotate(webhookId, clock.now(), overlapMs);
    clock.advance(overlapMs - 1_000);
    h.publish();
    await receiver.waitFor(2);
    await h.worker.idle(); // recorded before the clock moves, or the lease would lapse
    const during = receiver.requests[1]!;
    const header = during.headers['anchor-signature'] as string;
    // The current secret's v1 first: a receiver that checks only the first verifies with the new secret.
    expect(v1Values(header)).toEqual([independentV1(newSecret, header, during.rawBody), independentV1(oldSecret, header, during.rawBody)]);
    expect(during.headers['anchor-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    for (const secret of [oldSecret, newSecret]) {
      expect(independentlyVerifies(secret, header, during.rawBody)).toBe(true);
      expect(verifyWebhook({ body: during.rawBody, headers: during.headers, secret, now: new Date(clock.now()) }).type).toBe('task.completed');
    }

    clock.advance(1_000); // the previous secret expires now
    h.publish();
    await receiver.waitFor(3);
    await h.worker.idle(); // recorded before the clock moves, or the lease would lapse
    const after = receiver.requests[2]!;
    const afterHeader = after.headers['anchor-signature'] as string;
    expect(v1Values(afterHeader)).toHaveLength(1);
    expect(independentlyVerifies(newSecret, afterHeader, after.rawBody)).toBe(true);
    expect(independentlyVerifies(oldSecret, afterHeader, after.rawBody)).toBe(false);
    expect(() => verifyWebhook({ body: after.rawBody, headers: after.headers, secret: oldSecret, now: new Date(clock.now()) })).toThrow(/no v1 signature matches/);
    // Three events, each delivered once: nothing was retried behind the test's back.
    expect(new Set(receiver.requests.map((r) => r.headers['anchor-delivery-id'])).size).toBe(3);
  });

  it('never stores a secret, nor a signature that could be replayed, in the delivery log', async () => {
    const receiver = await startReceiver();
    const h = startDeliveryHarness({ delivery: { retrySchedule: [0] } });
    open.push(receiver, h);
    const { id, secret } = h.createWebhook(receiver.url);
    const { secret: rotated } = h.stores.secrets.rotate(id, Date.now(), 60_000);
    h.publish();
    await receiver.waitFor(1);
    await h.worker.idle();
    const dump = JSON.stringify([
      h.db.prepare('SELECT * FROM deliveries').all(),
      h.db.prepare('SELECT * FROM delivery_attempts').all(),
      h.db.prepare('SELECT * FROM events').all(),
    ]);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(rotated);
    // The stored header keeps `t=` and one redacted `v1=` per secret, none of the values sent.
    const sent = receiver.requests[0]!.headers['anchor-signature'] as string;
    const stored = h.db.prepare<[], { request_headers: string }>('SELECT request_headers FROM delivery_attempts').get()!;
    expect(JSON.parse(stored.request_headers)['anchor-signature']).toBe(`t=${receiver.requests[0]!.headers['anchor-timestamp']},v1=[redacted],v1=[redacted]`);
    for (const v1 of v1Values(sent)) expect(dump).not.toContain(v1);
  });

  it('through the API: rotate-secret gives two v1 until previous_secret_expires_at, then one', async () => {
    const receiver = await startReceiver();
    const t = await startAppWithWorker({ delivery: { retrySchedule: [0] } });
    open.push(receiver, t);
    const created = (await t.client.POST('/v1/webhooks', { body: { url: receiver.url, subscribed_events: ['task.completed'] } })).data!;
    const rotated = (
      await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: created.id } }, body: { previous_secret_ttl_seconds: 600 } })
    ).data!;
    const overlapEnds = Date.parse(rotated.previous_secret_expires_at!);
    expect(overlapEnds).toBe(t.clock.now() + 600_000);

    const deliver = async (n: number) => {
      await t.client.POST('/v1/events', { body: { type: 'task.completed' } });
      await receiver.waitFor(n);
      await t.worker.idle();
      return receiver.requests[n - 1]!;
    };
    t.clock.set(overlapEnds - 1_000);
    const during = await deliver(1);
    const duringHeader = during.headers['anchor-signature'] as string;
    // The current (rotated-in) secret's v1 first, then the previous one's.
    expect(v1Values(duringHeader)).toEqual([independentV1(rotated.secret, duringHeader, during.rawBody), independentV1(created.secret, duringHeader, during.rawBody)]);
    // The log shows both signatures, redacted.
    const logged = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', {
      params: { path: { webhook_id: created.id, delivery_id: during.headers['anchor-delivery-id'] as string } },
    });
    expect(logged.data!.attempts[0]!.request_headers['anchor-signature']).toBe(`t=${during.headers['anchor-timestamp']},v1=[redacted],v1=[redacted]`);
    for (const secret of [created.secret, rotated.secret]) {
      expect(independentlyVerifies(secret, during.headers['anchor-signature'] as string, during.rawBody)).toBe(true);
      expect(verifyWebhook({ body: during.rawBody, headers: during.headers, secret, now: new Date(t.clock.now()) }).type).toBe('task.completed');
    }

    t.clock.set(overlapEnds);
    const after = await deliver(2);
    expect(v1Values(after.headers['anchor-signature'] as string)).toHaveLength(1);
    expect(independentlyVerifies(rotated.secret, after.headers['anchor-signature'] as string, after.rawBody)).toBe(true);
    expect(independentlyVerifies(created.secret, after.headers['anchor-signature'] as string, after.rawBody)).toBe(false);
  });
});
