/** A restart on the same database file keeps every webhook, its data and its (sealed) secrets. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { newWebhook, startTestApp } from '../support/test-app.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-restart-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('webhooks, keys, secrets and idempotency records survive a restart', async () => {
  const dbPath = join(dir, 'anchor.sqlite');
  const first = await startTestApp({ dbPath });
  const a = (await first.client.POST('/v1/webhooks', { body: newWebhook({ description: 'a' }), params: { header: { 'Idempotency-Key': 'restart-a' } } })).data!;
  first.clock.advance(1_000);
  const b = (await first.client.POST('/v1/webhooks', { body: newWebhook({ description: 'b', subscribed_events: ['batch.failed'] }), params: { header: { 'Idempotency-Key': 'restart-b' } } })).data!;
  const c = (await first.client.POST('/v1/webhooks', { body: newWebhook({ description: 'c' }) })).data!;
  await first.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: b.id } }, body: { enabled: false, description: null } });
  await first.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: c.id } } });
  const rotated = (await first.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: a.id } } })).data!;
  const before = (await first.client.GET('/v1/webhooks')).data!;
  const apiKey = first.apiKey;
  await first.close();

  const second = await startTestApp({ dbPath, noProject: true, clock: first.clock });
  try {
    const client = second.clientFor(apiKey);
    const after = (await client.GET('/v1/webhooks')).data!;
    expect(after).toEqual(before);
    expect(after.data.items.map((w) => w.id)).toEqual([b.id, a.id]);
    expect(after.data.items[0]).toMatchObject({ enabled: false, disabled_reason: 'manual', description: null, subscribed_events: ['batch.failed'] });
    expect((await client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: c.id } } })).response.status).toBe(404);

    // The secrets decrypt with the key file beside the database: both valid during the overlap.
    expect(second.stores.secrets.validSecrets(a.id, second.clock.now())).toEqual([rotated.secret, a.secret]);
    expect(second.stores.secrets.validSecrets(b.id, second.clock.now())).toEqual([b.secret]);
    // An idempotent create whose secret is still current still replays, secret included...
    const replay = await client.POST('/v1/webhooks', { body: newWebhook({ description: 'b', subscribed_events: ['batch.failed'] }), params: { header: { 'Idempotency-Key': 'restart-b' } } });
    expect(replay.data).toEqual(b);
    // ...and one whose secret was rotated away still is not replayed.
    const stale = await client.POST('/v1/webhooks', { body: newWebhook({ description: 'a' }), params: { header: { 'Idempotency-Key': 'restart-a' } } });
    expect(stale.error).toMatchObject({ code: 'idempotency_key_expired' });
    // And rotation works on the reopened database.
    const again = (await client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: b.id } }, body: { previous_secret_ttl_seconds: 0 } })).data!;
    expect(second.stores.secrets.validSecrets(b.id, second.clock.now())).toEqual([again.secret]);
  } finally {
    await second.close();
  }
});

it('refuses to open a database with another secret key, with a message that says what to do', async () => {
  const dbPath = join(dir, 'anchor.sqlite');
  const first = await startTestApp({ dbPath });
  await first.client.POST('/v1/webhooks', { body: newWebhook() });
  await first.close();

  await expect(startTestApp({ dbPath, noProject: true, config: { secretKey: randomBytes(32) } })).rejects.toThrow(
    /secret key does not open the secrets stored in .*ANCHOR_SECRET_KEY/,
  );
  rmSync(join(dir, 'anchor.key'));
  await expect(startTestApp({ dbPath, noProject: true })).rejects.toThrow(/restore the key file/);
});

it('ANCHOR_SECRET_KEY replaces the key file', async () => {
  const dbPath = join(dir, 'env-key.sqlite');
  const secretKey = randomBytes(32);
  const first = await startTestApp({ dbPath, config: { secretKey } });
  const created = (await first.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
  await first.close();
  const second = await startTestApp({ dbPath, noProject: true, config: { secretKey } });
  try {
    expect(second.stores.secrets.validSecrets(created.id, second.clock.now())).toEqual([created.secret]);
  } finally {
    await second.close();
  }
  expect(readdirSync(dir).filter((f) => f.endsWith('.key'))).toEqual([]);
});
