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
