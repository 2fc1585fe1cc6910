/**
 * Secrets are shown once: a full CRUD + rotate run, then every response body and header,
 * every captured log line and the database files on disk are scanned. The signing
 * secrets appear only in the create and rotate responses (and an idempotent replay of
 * the create, which is the same response); the API key appears nowhere.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SealedSecretError } from '../../server/storage/secrets.js';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

let dir: string;
let t: TestApp;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-secrets-'));
  t = await startTestApp({ dbPath: join(dir, 'anchor.sqlite') });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

type Exchange = { label: string; status: number; headers: string; body: string; mayShowSecret: boolean };

it('no secret or API key in any response but create/rotate, in any log line, or in the database files', async () => {
  const exchanges: Exchange[] = [];
  const call = async (label: string, method: string, path: string, body?: unknown, extra: Record<string, string> = {}, mayShowSecret = false) => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { 'anchor-api-key': t.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    const headers: string[] = [];
    res.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
    exchanges.push({ label, status: res.status, headers: headers.join('\n'), body: text, mayShowSecret });
    return text ? JSON.parse(text) : undefined;
  };

  const idem = { 'idempotency-key': 'idem-secret-scan-1' };
  const created = await call('create', 'POST', '/v1/webhooks', newWebhook(), idem, true);
  await call('create replay', 'POST', '/v1/webhooks', newWebhook(), idem, true);
  await call('create reused key', 'POST', '/v1/webhooks', newWebhook({ description: 'x' }), idem);
  const second = await call('create 2', 'POST', '/v1/webhooks', newWebhook({ subscribed_events: ['session.failed'] }), {}, true);
  const id = created.id as string;
  await call('list', 'GET', '/v1/webhooks');
  await call('get', 'GET', `/v1/webhooks/${id}`);
  await call('update', 'PATCH', `/v1/webhooks/${id}`, { description: 'renamed', enabled: false });
  await call('update enable', 'PATCH', `/v1/webhooks/${id}`, { enabled: true, url: 'https://hooks.anchor-customer.io/v2' });
  const rotated = await call('rotate', 'POST', `/v1/webhooks/${id}/rotate-secret`, undefined, {}, true);
  const rotated2 = await call('rotate ttl', 'POST', `/v1/webhooks/${id}/rotate-secret`, { previous_secret_ttl_seconds: 60 }, {}, true);
  await call('get after rotate', 'GET', `/v1/webhooks/${id}`);
  await call('list after rotate', 'GET', '/v1/webhooks');
  // Failures that might echo input.
  await call('bad body', 'POST', '/v1/webhooks', { url: 'https://hooks.anchor-customer.io/', subscribed_events: ['nope'], secret: created.secret });
  await call('bad json', 'POST', '/v1/webhooks', `{"secret":"${created.secret}"`);
  await call('bad patch', 'PATCH', `/v1/webhooks/${id}`, { secret: rotated.secret });
  await call('unknown route', 'GET', `/v1/webhooks/${id}/secret`);
  await call('delete', 'DELETE', `/v1/webhooks/${id}`);
  await call('delete 2', 'DELETE', `/v1/webhooks/${second.id}`);
  await call('get deleted', 'GET', `/v1/webhooks/${id}`);

  const secrets = [created.secret, second.secret, rotated.secret, rotated2.secret] as string[];
  for (const secret of secrets) expect(secret).toMatch(/^[0-9a-f]{64}$/);
  expect(new Set(secrets).size).toBe(4);

  // Responses: secrets only where allowed; the API key never.
  for (const exchange of exchanges) {
    const text = `${exchange.headers}\n${exchange.body}`;
    if (!exchange.mayShowSecret) for (const secret of secrets) expect(text, `${exchange.label} shows a secret`).not.toContain(secret);
    expect(text, `${exchange.label} shows the API key`).not.toContain(t.apiKey);
  }
  expect(exchanges.filter((e) => e.mayShowSecret).map((e) => e.status)).toEqual([201, 201, 201, 200, 200]);

  // Logs: one access line per request, headers present but the key and Idempotency-Key censored.
  const logText = t.logs.lines.join('\n');
  expect(t.logs.lines.length).toBeGreaterThanOrEqual(exchanges.length);
  expect(logText).toContain('"anchor-api-key":"[redacted]"');
  expect(logText).toContain('"idempotency-key":"[redacted]"');
  for (const secret of secrets) expect(logText).not.toContain(secret);
  expect(logText).not.toContain(t.apiKey.slice(4));
  expect(logText).not.toContain('idem-secret-scan-1');

  // At rest: secrets sealed, the API key only as a hash, the encryption key beside the database, not in it.
  const files = readdirSync(dir);
  expect(files).toContain('anchor.key');
  expect(statSync(join(dir, 'anchor.key')).mode & 0o777).toBe(0o600);
  const encryptionKey = readFileSync(join(dir, 'anchor.key'), 'utf8').trim();
  const dbBytes = files.filter((f) => f.startsWith('anchor.sqlite')).map((f) => readFileSync(join(dir, f)));
  expect(dbBytes.length).toBeGreaterThan(0);
  for (const bytes of dbBytes) {
    for (const needle of [...secrets, t.apiKey, encryptionKey]) expect(bytes.includes(Buffer.from(needle)), needle.slice(0, 8)).toBe(false);
  }
  // The secrets are really there, sealed: the store opens them.
  expect(t.stores.secrets.validSecrets(String(second.id), t.clock.now())).toEqual([second.secret]);
});

it('a credential sent where the API takes none (a query parameter, an unknown header) stays out of the access log', async () => {
  const leaked = ['ak_live_in_query_0123456789', 'sk_in_custom_header_abcdef', 'Bearer in-proxy-auth-xyz', 'cookie-session-secret-42'];
  const res = await fetch(`${t.baseUrl}/v1/webhooks?limit=5&api_key=${leaked[0]}&anchor-api-key=${leaked[0]}&status`, {
    headers: { 'anchor-api-key': t.apiKey, 'x-api-key': leaked[1]!, 'proxy-authorization': leaked[2]!, cookie: `session=${leaked[3]}`, 'user-agent': 'secrets-probe/1.0' },
  });
  // Unknown query parameters are refused by the contract, and still logged without their values.
  expect(res.status).toBe(400);
  const line = t.logs.lines.find((l) => l.includes('secrets-probe/1.0'));
  expect(line, 'the access line of the probe').toBeDefined();
  for (const secret of [...leaked, t.apiKey]) expect(line).not.toContain(secret);
  const logged = JSON.parse(line!) as { req: { url: string; headers: Record<string, string> } };
  // What helps debugging stays: the documented filter, the parameter names, harmless headers.
  expect(logged.req.url).toBe('/v1/webhooks?limit=5&api_key=[redacted]&anchor-api-key=[redacted]&status');
  expect(logged.req.headers).toMatchObject({ 'user-agent': 'secrets-probe/1.0', 'x-api-key': '[redacted]', 'proxy-authorization': '[redacted]', cookie: '[redacted]' });
});

it("a sealed secret copied into another webhook's row does not open there, with an error that says so", async () => {
  const a = (await t.client.POST('/v1/webhooks', { body: newWebhook({ description: 'a' }) })).data!;
  const b = (await t.client.POST('/v1/webhooks', { body: newWebhook({ description: 'b' }) })).data!;
  const now = t.clock.now();
  expect(t.stores.secrets.validSecrets(b.id, now)).toEqual([b.secret]);

  // An attacker with write access to the file, or a bad restore, moves A's sealed secret to B's row.
  t.db.prepare('UPDATE webhook_secrets SET sealed = (SELECT sealed FROM webhook_secrets WHERE webhook_id = ?) WHERE webhook_id = ?').run(a.id, b.id);
  // A minute later: past the second for which opened secrets are reused.
  const later = now + 60_000;
  let error: unknown;
  try {
    t.stores.secrets.validSecrets(b.id, later);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SealedSecretError);
  expect((error as Error).message).toMatch(new RegExp(`^The signing secret stored for webhook ${b.id} does not open: it was sealed for another webhook`));
  expect((error as Error).message).not.toContain(a.secret);
  // A's own row still opens.
  expect(t.stores.secrets.validSecrets(a.id, later)).toEqual([a.secret]);
});
