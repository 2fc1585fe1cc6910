/**
 * Project isolation: another project's webhook answers exactly like a webhook that does
 * not exist — same status, headers and body bytes (the body's `instance` is the request
 * path, so it is compared with the id swapped; each answer's own request id is set aside).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

const MISSING_ID = 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y';

/** Every answer has its own id; the rest of the bytes must match. */
const withoutRequestId = (body: string) => body.replace(/"request_id":"req_[0-9a-f]{32}"/, '"request_id":"(this answer\'s own)"');

type Call = { method: string; path: (id: string) => string; body?: unknown };
const calls: Call[] = [
  { method: 'GET', path: (id) => `/v1/webhooks/${id}` },
  { method: 'PATCH', path: (id) => `/v1/webhooks/${id}`, body: { enabled: false } },
  { method: 'PATCH', path: (id) => `/v1/webhooks/${id}`, body: { url: 'https://hooks.project-b.io/steal' } },
  { method: 'DELETE', path: (id) => `/v1/webhooks/${id}` },
  { method: 'POST', path: (id) => `/v1/webhooks/${id}/rotate-secret` },
  { method: 'POST', path: (id) => `/v1/webhooks/${id}/rotate-secret`, body: { previous_secret_ttl_seconds: 0 } },
];

async function raw(apiKey: string, call: Call, id: string) {
  const res = await fetch(`${t.baseUrl}${call.path(id)}`, {
    method: call.method,
    headers: { 'anchor-api-key': apiKey, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    ...(call.body ? { body: JSON.stringify(call.body) } : {}),
  });
  const headers: Array<[string, string]> = [];
  res.headers.forEach((value, name) => {
    if (name !== 'date') headers.push([name, name === 'request-id' ? '(this answer\'s own)' : value]);
  });
  return { status: res.status, headers, body: withoutRequestId(await res.text()) };
}

it("project B gets 404 webhook_not_found on every operation on A's webhook, byte-for-byte like a missing id", async () => {
  const a = await t.client.POST('/v1/webhooks', { body: newWebhook() });
  const id = a.data!.id;
  const b = t.newProject();

  for (const call of calls) {
    const onTheirs = await raw(b.apiKey, call, id);
    const onMissing = await raw(b.apiKey, call, MISSING_ID);
    expect(onTheirs.status, `${call.method} ${call.path('…')}`).toBe(404);
    expect(JSON.parse(onTheirs.body)).toMatchObject({ code: 'webhook_not_found' });
    expect(onTheirs.headers).toEqual(onMissing.headers);
    expect(onTheirs.body).toBe(onMissing.body.replaceAll(MISSING_ID, id));
  }

  // Through the typed client too, and B's list does not show it.
  const get = await b.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: id } } });
  expect(get.error?.code).toBe('webhook_not_found');
  expect((await b.client.GET('/v1/webhooks')).data!.data.count).toBe(0);

  // Nothing B tried changed A's webhook or its secret.
  const { secret, ...unchanged } = a.data!;
  expect((await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: id } } })).data).toEqual(unchanged);
  expect(t.stores.secrets.validSecrets(id, t.clock.now())).toEqual([secret]);
});

it("B's webhooks do not count toward A's limit, and A's deleted webhook is as missing to A as B's is", async () => {
  const b = t.newProject();
  for (let i = 0; i < 5; i++) expect((await b.client.POST('/v1/webhooks', { body: newWebhook() })).response.status).toBe(201);
  const a = await t.client.POST('/v1/webhooks', { body: newWebhook() });
  expect(a.response.status).toBe(201);

  const bList = (await b.client.GET('/v1/webhooks')).data!.data.items;
  await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: a.data!.id } } });
  const deleted = await raw(t.apiKey, calls[0]!, a.data!.id);
  const foreign = await raw(t.apiKey, calls[0]!, bList[0]!.id);
  expect(deleted.status).toBe(404);
  expect(deleted.body).toBe(foreign.body.replaceAll(bList[0]!.id, a.data!.id));
});
