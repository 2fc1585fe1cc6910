/**
 * Property test: random and mutated requests (method, path, query, headers, body) at the
 * management API never produce a 5xx, and every answer is either a documented response
 * of the operation (status, content type, body schema, headers; checked with Ajv against
 * the spec) or, off the spec's routes, a problem+json 400/404/405.
 *
 * 5,000+ requests, in batches of 16 concurrent requests over loopback to one app.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBundleValidator } from '../support/ajv.js';
import { contractViolations, pathTemplateOf } from '../support/contract.js';
import { loadBundle } from '../support/spec.js';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

const REQUESTS = 5_000;
/** Stands for a body over 64 KiB, so a counterexample prints short. */
const OVERSIZED = '<70 KiB of JSON>';
const oversized = JSON.stringify({ description: 'x'.repeat(70 * 1024) });
const BATCH = 16;
const OWNED = new Set(['createWebhook', 'listWebhooks', 'getWebhook', 'updateWebhook', 'deleteWebhook', 'rotateWebhookSecret', 'listWebhookEventTypes']);

const spec = loadBundle('full');
const problemSchema = createBundleValidator(spec).schema('Problem');
const eventTypes: string[] = spec.components.schemas!.WebhookEventType.enum;
const ownedOperations = Object.entries(spec.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([, op]) => OWNED.has((op as { operationId?: string }).operationId ?? ''))
    .map(([method]) => ({ method: method.toUpperCase(), template })),
);

let t: TestApp;
/** Ids of webhooks the run created: requests aimed at them reach the handlers' success paths. */
const known: string[] = [];
let sent = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  t = await startTestApp();
  known.push((await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!.id);
});
afterAll(async () => {
  await t?.close();
});

// ---- request parts -------------------------------------------------------------

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~!$&()*+,;=:@/%?# '.split('')), maxLength: 40 });
const webhookId = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((n) => `<known ${n}>`) },
  { weight: 1, arbitrary: fc.constant('wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y') },
  { weight: 1, arbitrary: fc.stringMatching(/^wh_[0-9A-HJKMNP-TV-Z]{26}$/) },
  { weight: 1, arbitrary: printable.map((s) => encodeURIComponent(s) || 'x') },
  { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '..', 'WH_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y', 'wh_' + 'Z'.repeat(300)) },
);
const url = fc.oneof(
  fc.constantFrom(
    'https://hooks.anchor-customer.io/anchor',
    'https://10.0.0.1/',
    'http://hooks.anchor-customer.io/',
    'https://[::1]/',
    'https://user@hooks.anchor-customer.io/',
    'https://metadata.google.internal/',
    'https://0x7f.1/',
    'https://hooks.anchor-customer.io:8443/a?b=c#d',
    'not a url',
    '',
    'https://' + 'a'.repeat(2100) + '.io/',
  ),
  fc.webUrl({ validSchemes: ['https', 'http', 'ftp'], withQueryParameters: true, withFragments: true }),
);
const events = fc.oneof(fc.uniqueArray(fc.constantFrom(...eventTypes), { minLength: 1, maxLength: 13 }), fc.array(fc.oneof(fc.constantFrom(...eventTypes), fc.string()), { maxLength: 15 }));
const description = fc.oneof(fc.constant(null), fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 260 }));
const anyJson = fc.jsonValue({ maxDepth: 3 });

const createBody = fc.record({ url, subscribed_events: events, description }, { requiredKeys: ['url', 'subscribed_events'] });
const updateBody = fc.record({ url, subscribed_events: events, description, enabled: fc.oneof(fc.boolean(), anyJson) }, { requiredKeys: [] });
const rotateBody = fc.record({ previous_secret_ttl_seconds: fc.oneof(fc.integer({ min: -5, max: 90_000 }), fc.double(), fc.string(), fc.constant(null)) }, { requiredKeys: [] });

/** A structured body, then mutated: a key dropped, one added or retyped. */
const mutatedObject = fc
  .tuple(fc.oneof(createBody, updateBody, rotateBody), fc.nat({ max: 3 }), fc.string({ maxLength: 12 }), anyJson)
  .map(([body, mutation, key, value]) => {
    const copy: Record<string, unknown> = { ...body };
    const keys = Object.keys(copy);
    if (mutation === 1 && keys.length > 0) delete copy[keys[key.length % keys.length]!];
    if (mutation === 2) copy[key] = value;
    if (mutation === 3 && keys.length > 0) copy[keys[key.length % keys.length]!] = value;
    return copy;
  });

/** Bodies the spec accepts, untouched: they reach the handlers. */
const allowedUrl = fc.constantFrom('https://hooks.anchor-customer.io/anchor', 'https://Hooks.Anchor-Customer.IO:443/a/../b?x=1', 'https://8.8.4.4/hook');
const validBody = fc.oneof(
  fc.record({ url: allowedUrl, subscribed_events: fc.uniqueArray(fc.constantFrom(...eventTypes), { minLength: 1, maxLength: 13 }), description: fc.oneof(fc.constant(null), fc.string({ maxLength: 256 })) }, { requiredKeys: ['url', 'subscribed_events'] }),
  fc.record({ url: allowedUrl, enabled: fc.boolean(), description: fc.constant(null) }, { requiredKeys: ['enabled'] }),
  fc.record({ previous_secret_ttl_seconds: fc.integer({ min: 0, max: 86_400 }) }, { requiredKeys: [] }),
);

const bodyText = fc.oneof(
  { weight: 4, arbitrary: validBody.map((b) => JSON.stringify(b)) },
  { weight: 6, arbitrary: mutatedObject.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: mutatedObject.chain((b) => fc.nat({ max: 60 }).map((n) => JSON.stringify(b).slice(0, n))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constant(OVERSIZED) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}(; [a-z]{1,6}=[a-z0-9-]{1,8})?$/) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const apiKeyChoice = fc.oneof({ weight: 10, arbitrary: fc.constant('<valid>') }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: printable.filter((s) => s.trim() === s) });

const query = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom('limit', 'offset', 'status', 'foo', 'secret', ''), printable), { maxLength: 3 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '')) },
  { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?a=%ZZ', '?a[b]=1', '?a=1&a=2') },
);

const extraHeaders = fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), printable.filter((s) => s.trim() === s), { maxKeys: 2 });

const request = fc.record({
  target: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...ownedOperations) },
    { weight: 1, arbitrary: fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), template: fc.constantFrom(...new Set(ownedOperations.map((o) => o.template)), '/v1/nope', '/', '/v1/webhooks/{webhook_id}/nope', '/v1/webhooks/{webhook_id}/rotate-secret/x') }) },
  ),
  methodMutation: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') }),
  id: webhookId,
  query,
  apiKey: apiKeyChoice,
  contentType,
  // A small pool of keys makes replays and reuses with another body (422) happen.
  idempotencyKey: fc.option(fc.oneof(fc.constantFrom('key-1', 'key-2', 'key-3'), fc.stringMatching(/^[\x21-\x7E]{1,40}$/), printable), { nil: undefined }),
  extraHeaders,
  body: bodyText,
});
type FuzzRequest = typeof request extends fc.Arbitrary<infer R> ? R : never;

// ---- one request, checked -------------------------------------------------------

async function check(r: FuzzRequest): Promise<void> {
  const method = r.methodMutation ?? r.target.method;
  const knownIndex = /^<known (\d+)>$/.exec(r.id)?.[1];
  const id = knownIndex === undefined ? r.id : known[Number(knownIndex) % known.length]!;
  const path = r.target.template.replace('{webhook_id}', id).replace('{delivery_id}', 'd');
  const headers: Record<string, string> = { ...r.extraHeaders };
  if (r.apiKey !== undefined) headers['anchor-api-key'] = r.apiKey === '<valid>' ? t.apiKey : r.apiKey;
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
  const hasBody = r.body !== undefined && method !== 'GET' && method !== 'HEAD';

  const target = new URL(`${path}${r.query}`, t.baseUrl);
  const body = r.body === OVERSIZED ? oversized : (r.body as string);
  const res = await fetch(target, { method, headers, ...(hasBody ? { body } : {}) });
  const text = await res.text();
  sent++;
  if (res.status === 201) known.push((JSON.parse(text) as { id: string }).id);
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const label = `${method} ${target.pathname}${target.search} → ${res.status} ${text.slice(0, 300)}`;

  // On a 5xx, show what the server logged about it.
  const serverErrors = res.status >= 500 ? t.logs.lines.filter((l) => l.includes('"level":50')).slice(-2).join('\n') : '';
  expect(res.status, `${label}\nrequest body: ${String(r.body).slice(0, 300)}\n${serverErrors}`).toBeLessThan(500);
  const template = pathTemplateOf(target.pathname);
  const operation = template ? spec.paths[template]?.[method.toLowerCase()] : undefined;
  if (operation && OWNED.has(operation.operationId)) {
    const problems = contractViolations({ method, template: template!, status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, bodyText: text });
    expect(problems, label).toEqual([]);
  } else {
    // Off the spec's routes (or an operation of another module): a problem, never HTML.
    expect([400, 404, 405], label).toContain(res.status);
    expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
    if (method !== 'HEAD') expect(problemSchema(JSON.parse(text)), label).toBe(true);
    if (res.status === 405) expect(res.headers.get('allow'), label).toBeTruthy();
  }
}

it(`${REQUESTS} random and mutated requests: no 5xx, only documented answers`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      await Promise.all(batch.map(check));
    }),
    // FUZZ_SEED=<seed> replays a reported failure.
    { numRuns: Math.ceil(REQUESTS / BATCH), endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
  );
  expect(sent).toBeGreaterThanOrEqual(REQUESTS);
  // The run exercised the interesting answers, not just one kind.
  const distribution = JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
  if (process.env.FUZZ_STATS) console.info(`fuzz: ${sent} requests, statuses ${distribution}`);
  for (const status of [200, 201, 400, 401, 404, 405, 413, 415]) expect(statuses.get(status) ?? 0, `status ${status} seen in ${distribution}`).toBeGreaterThan(0);
}, 120_000);
