/** Idempotency-Key on createWebhook: a retry gets the first response again, secret included, and creates nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

const withKey = (key: string) => ({ header: { 'Idempotency-Key': key } });
const count = async (app: TestApp = t) => (await app.client.GET('/v1/webhooks')).data!.data.count;

describe('Idempotency-Key', () => {
  it('a replay returns the same status, id and secret and creates nothing', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('6f1c2a7e-7d4b-4a51') });
    t.clock.advance(60_000);
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('6f1c2a7e-7d4b-4a51') });
    expect(first.response.status).toBe(201);
    expect(replay.response.status).toBe(201);
    expect(replay.data).toEqual(first.data);
    expect(replay.data!.secret).toBe(first.data!.secret);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(await count()).toBe(1);
  });

  it('the same JSON value in another key order or spacing is the same body', async () => {
    const send = (text: string) =>
      t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('spacing'), bodySerializer: () => text });
    const a = await send('{"url":"https://hooks.anchor-customer.io/a","subscribed_events":["task.failed"]}');
    const b = await send('{ "subscribed_events": [ "task.failed" ],\n  "url": "https://hooks.anchor-customer.io/a" }');
    expect(b.data!.id).toBe(a.data!.id);
    expect(await count()).toBe(1);
  });

  it('the same key with a different body is 422 idempotency_key_reused and creates nothing', async () => {
    await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('k1') });
    const other = await t.client.POST('/v1/webhooks', { body: newWebhook({ subscribed_events: ['task.failed'] }), params: withKey('k1') });
    expect(other.response.status).toBe(422);
    expect(other.error).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect(await count()).toBe(1);
  });

  it('keys are scoped per project', async () => {
    const other = t.newProject();
    const mine = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('shared-key') });
    const theirs = await other.client.POST('/v1/webhooks', { body: newWebhook({ description: 'theirs' }), params: withKey('shared-key') });
    expect(theirs.response.status).toBe(201);
    expect(theirs.data!.id).not.toBe(mine.data!.id);
    expect(theirs.data!.project_id).toBe(other.projectId);
  });

  it('a key expires after 24 hours: the same key then creates a new webhook', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('daily') });
    t.clock.advance(24 * 60 * 60 * 1000 - 1);
    expect((await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('daily') })).data!.id).toBe(first.data!.id);
    t.clock.advance(1);
    const later = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('daily') });
    expect(later.response.status).toBe(201);
    expect(later.data!.id).not.toBe(first.data!.id);
    expect(await count()).toBe(2);
  });

  it('expired records are deleted, not just ignored', async () => {
    await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('old-1') });
    await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('old-2') });
    t.clock.advance(25 * 60 * 60 * 1000);
    await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('fresh') });
    const keys = (t.db.prepare('SELECT key FROM idempotency_keys').all() as Array<{ key: string }>).map((r) => r.key);
    expect(keys).toEqual(['fresh']);
  });

  it('a failed create is not recorded: after freeing a slot the same key succeeds', async () => {
    for (let i = 0; i < 5; i++) await t.client.POST('/v1/webhooks', { body: newWebhook() });
    const full = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('retry-me') });
    expect(full.response.status).toBe(409);
    const { data } = await t.client.GET('/v1/webhooks');
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: data!.data.items[0]!.id } } });
    const retried = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('retry-me') });
    expect(retried.response.status).toBe(201);
  });

  it('concurrent retries with one key create exactly one webhook and all get its secret', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('burst') })));
    expect(results.map((r) => r.response.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.data!.secret)).size).toBe(1);
    expect(await count()).toBe(1);
  });

  it('the stored response is sealed: the secret is not in the database in clear', async () => {
    const { data } = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('sealed') });
    const rows = t.db.prepare('SELECT key, sealed_body FROM idempotency_keys').all() as Array<{ key: string; sealed_body: Buffer }>;
    expect(rows.map((r) => r.key)).toEqual(['sealed']);
    expect(rows[0]!.sealed_body.includes(Buffer.from(data!.secret))).toBe(false);
    expect(rows[0]!.sealed_body.includes(Buffer.from(data!.id))).toBe(false);
  });
});

const countDeliveries = (app: TestApp = t) => (app.db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;
const countEvents = (app: TestApp = t) => (app.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
/** A delivery that may be redelivered: the worker is off in these tests, so it is marked finished. */
function finish(deliveryId: string, status: 'dead' | 'succeeded' = 'dead') {
  t.db.prepare('UPDATE deliveries SET status = ?, next_attempt_at = NULL WHERE id = ?').run(status, deliveryId);
}

describe('Idempotency-Key on every POST', () => {
  it('a retried test event gets the first answer and queues nothing again', async () => {
    const webhook = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
    const params = { path: { webhook_id: webhook.id }, ...withKey('test-1') };
    const first = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params, body: { event_type: 'task.failed' } });
    const retry = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params, body: { event_type: 'task.failed' } });
    expect(first.response.status).toBe(202);
    expect(retry.response.status).toBe(202);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    expect(first.data!.event_id).toBe(first.data!.external_event_id);
    expect(countDeliveries()).toBe(1);
    const other = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params, body: { event_type: 'task.completed' } });
    expect(other.response.status).toBe(422);
    expect(other.error).toMatchObject({ code: 'idempotency_key_reused' });
    expect(countDeliveries()).toBe(1);
  });

  it('a retried redelivery gets the first answer and schedules no second attempt', async () => {
    const webhook = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
    const queued = (await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhook.id } }, body: { event_type: 'task.failed' } })).data!;
    finish(queued.delivery_id);
    const params = { path: { webhook_id: webhook.id, delivery_id: queued.delivery_id }, ...withKey('redeliver-1') };
    const first = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params });
    t.clock.advance(1_000);
    const retry = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params });
    expect(first.response.status).toBe(202);
    expect(retry.response.status).toBe(202);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    // Without the key the retry would be 409 delivery_in_progress (the attempt is pending): a
    // client could not tell its first request from a refusal.
    const unkeyed = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: { path: params.path } });
    expect(unkeyed.response.status).toBe(409);
    // The same key for another delivery is another request.
    const second = (await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhook.id } }, body: { event_type: 'task.failed' } })).data!;
    finish(second.delivery_id);
    const reused = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: { ...params, path: { webhook_id: webhook.id, delivery_id: second.delivery_id } } });
    expect(reused.response.status).toBe(422);
  });

  it('a retried publish gets the first answer and stores one event', async () => {
    await t.client.POST('/v1/webhooks', { body: newWebhook() });
    const first = await t.client.POST('/v1/events', { params: withKey('publish-1'), body: { type: 'task.completed' } });
    const retry = await t.client.POST('/v1/events', { params: withKey('publish-1'), body: { type: 'task.completed' } });
    expect(first.response.status).toBe(202);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    expect(first.data!.delivery_count).toBe(1);
    expect(countEvents()).toBe(1);
    const other = await t.client.POST('/v1/events', { params: withKey('publish-1'), body: { type: 'task.failed' } });
    expect(other.response.status).toBe(422);
    expect(countEvents()).toBe(1);
  });

  it('keys are scoped per operation: one key on a create and on a test event is two requests', async () => {
    const created = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('shared') });
    const tested = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: created.data!.id }, ...withKey('shared') }, body: { event_type: 'task.failed' } });
    expect(tested.response.status).toBe(202);
    expect(tested.response.headers.get('idempotent-replayed')).toBeNull();
  });

  it('every answer that shows a secret, first or replayed, is Cache-Control: no-store', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('cache') });
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('cache') });
    const rotated = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: first.data!.id } } });
    for (const { response } of [first, replay, rotated]) expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('a replay never resurrects what is gone (issue 15 L5)', () => {
  const stored = (key: string) => t.db.prepare('SELECT sealed_body, gone_reason FROM idempotency_keys WHERE key = ?').get(key) as { sealed_body: Buffer | null; gone_reason: string | null };

  it('create, rotate with previous_secret_ttl_seconds 0, replay the create: 409, and not the revoked secret', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('revoked') });
    await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: first.data!.id } }, body: { previous_secret_ttl_seconds: 0 } });
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('revoked') });
    expect(replay.response.status).toBe(409);
    expect(replay.error).toMatchObject({ code: 'idempotency_key_expired' });
    expect(JSON.stringify(replay.error)).not.toContain(first.data!.secret);
    // The stored copy of the secret is gone too, not just hidden.
    expect(stored('revoked')).toEqual({ sealed_body: null, gone_reason: 'secret_rotated' });
    expect(await count()).toBe(1);
  });

  it('a rotation with the default overlap also ends the replay: a replay shows only the current secret', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('overlap') });
    await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: first.data!.id } } });
    // The create's secret still verifies for 24 h, but a client replaying its create would take it for the current one.
    expect(t.stores.secrets.validSecrets(first.data!.id, t.clock.now())).toContain(first.data!.secret);
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('overlap') });
    expect(replay.response.status).toBe(409);
    expect(replay.error).toMatchObject({ code: 'idempotency_key_expired', detail: expect.stringContaining('rotated away') });
  });

  it('create, delete, replay: 409, neither the deleted id as live nor its secret', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('deleted') });
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: first.data!.id } } });
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('deleted') });
    expect(replay.response.status).toBe(409);
    expect(replay.error).toMatchObject({ code: 'idempotency_key_expired', detail: expect.stringContaining('deleted') });
    expect(JSON.stringify(replay.error)).not.toContain(first.data!.secret);
    expect(stored('deleted')).toEqual({ sealed_body: null, gone_reason: 'webhook_deleted' });
    // The key is still used: another body with it is 422, and it creates nothing either way.
    const other = await t.client.POST('/v1/webhooks', { body: newWebhook({ description: 'other' }), params: withKey('deleted') });
    expect(other.response.status).toBe(422);
    expect(await count()).toBe(0);
  });

  it('test events and redeliveries of a deleted webhook are not replayed either', async () => {
    const webhook = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
    const tested = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhook.id }, ...withKey('t') }, body: { event_type: 'task.failed' } });
    finish(tested.data!.delivery_id, 'succeeded');
    const redeliverParams = { path: { webhook_id: webhook.id, delivery_id: tested.data!.delivery_id }, ...withKey('r') };
    expect((await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: redeliverParams })).response.status).toBe(202);
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhook.id } } });
    const test = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhook.id }, ...withKey('t') }, body: { event_type: 'task.failed' } });
    const redeliver = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: redeliverParams });
    expect([test.response.status, test.error?.code]).toEqual([409, 'idempotency_key_expired']);
    expect([redeliver.response.status, redeliver.error?.code]).toEqual([409, 'idempotency_key_expired']);
  });

  it('the replay of a create stays available while its webhook and secret are current', async () => {
    const first = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('alive') });
    await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: first.data!.id } }, body: { enabled: false } });
    const replay = await t.client.POST('/v1/webhooks', { body: newWebhook(), params: withKey('alive') });
    expect(replay.response.status).toBe(201);
    expect(replay.data).toEqual(first.data);
  });
});
