/**
 * The statuses every operation shares — 401, 429, 400, 413 and 415 come from the same
 * middleware in front of every route — produced once per operation that documents them.
 * The operations, their path parameters and bodies come from the spec, not from a list
 * here: a new operation is swept as soon as it is in generated/openapi.json. Every answer
 * is checked against the spec (status documented, problem+json body valid, headers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractViolations } from '../support/contract.js';
import { loadBundle, operationsOf } from '../support/spec.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const bundle = loadBundle('full');

const schemaExample = (ref: string) => bundle.components.schemas?.[ref.split('/').pop()!]?.example;

const operations = operationsOf(bundle).map(({ method, path, operation }) => {
  const statuses = Object.keys(operation.responses);
  const concretePath = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const param = (bundle.paths[path]!.parameters ?? [])
      .map((p: { $ref?: string }) => (p.$ref ? bundle.components.parameters![p.$ref.split('/').pop()!] : p))
      .find((p: { name: string }) => p.name === name);
    return String(schemaExample(param.schema.$ref));
  });
  const media = operation.requestBody?.content?.['application/json'];
  // An operation with several request examples (updateWebhook) is driven by its first one.
  const example = media?.example ?? (Object.values(media?.examples ?? {})[0] as { value?: unknown } | undefined)?.value;
  return {
    operationId: String(operation.operationId),
    method: method.toUpperCase(),
    template: path,
    concretePath,
    body: example === undefined ? undefined : JSON.stringify(example),
    documents: (status: number) => statuses.includes(String(status)),
  };
});

let t: TestApp;
let limited: TestApp;
beforeAll(async () => {
  // Limits high enough never to refuse here, so every answer shows its RateLimit headers.
  t = await startTestApp({ config: { rateLimitPerSecond: 1_000, rateLimitBurst: 1_000_000, authFailurePerSecond: 1_000, authFailureBurst: 1_000_000 } });
  // One token per key and a clock that never moves: the second call of a key is always 429.
  limited = await startTestApp({ config: { rateLimitPerSecond: 1, rateLimitBurst: 1 } });
});
afterAll(async () => {
  await t?.close();
  await limited?.close();
});

type Call = { apiKey?: string; query?: string; body?: string; contentType?: string };

/** One raw request (no typed client: these requests are wrong on purpose), checked against the spec. */
async function send(app: TestApp, op: (typeof operations)[number], call: Call) {
  const headers: Record<string, string> = {};
  if (call.apiKey) headers['anchor-api-key'] = call.apiKey;
  if (call.body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
  const res = await fetch(`${app.baseUrl}${op.concretePath}${call.query ?? ''}`, { method: op.method, headers, body: call.body });
  const bodyText = await res.text();
  const problems = contractViolations({
    method: op.method,
    template: op.template,
    status: res.status,
    contentType: res.headers.get('content-type'),
    headers: res.headers,
    bodyText,
  });
  expect(problems, `${op.method} ${op.concretePath}`).toEqual([]);
  const problem = JSON.parse(bodyText) as { code: string; status: number; detail: string; request_id: string; error: unknown; errors?: Array<{ location: string; path: string }> };
  // Every problem: its request id (the header's) and the live API's error shape.
  expect(problem.request_id).toBe(res.headers.get('request-id'));
  expect(problem.error).toEqual({ code: problem.status, message: problem.detail });
  // Every 4xx a bucket judged says where the caller stands.
  expect(res.headers.get('ratelimit'), `${op.method} ${op.concretePath} ${res.status}`).toMatch(res.status === 401 ? /^"auth-failures";r=\d+;t=\d+$/ : /^"per-key";r=\d+;t=\d+$/);
  return { status: res.status, headers: res.headers, problem };
}

type Operation = (typeof operations)[number];

/** How each shared status is produced, and what its answer must say. */
const produce: Record<number, { how: string; check(op: Operation): Promise<void> }> = {
  401: {
    how: 'without an API key, and with an unknown one',
    async check(op) {
      for (const apiKey of [undefined, 'anc_not-a-real-key-0000000000000000']) {
        const { status, problem } = await send(t, op, { apiKey, body: op.body });
        expect(status).toBe(401);
        expect(problem.code).toBe('unauthorized');
      }
    },
  },
  429: {
    how: 'rate_limited with Retry-After once the key has no token left',
    async check(op) {
      const { apiKey } = limited.newProject();
      await fetch(`${limited.baseUrl}/v1/webhook-event-types`, { headers: { 'anchor-api-key': apiKey } });
      const { status, headers, problem } = await send(limited, op, { apiKey, body: op.body });
      expect(status).toBe(429);
      expect(problem.code).toBe('rate_limited');
      expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
      expect(headers.get('ratelimit-policy')).toBe('"per-key";q=1;w=1');
      expect(headers.get('ratelimit')).toBe('"per-key";r=0;t=1');
    },
  },
  400: {
    how: 'validation_failed for a query parameter the operation does not define',
    async check(op) {
      const { status, problem } = await send(t, op, { apiKey: t.apiKey, query: '?not_a_parameter=1', body: op.body });
      expect(status).toBe(400);
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors).toContainEqual(expect.objectContaining({ location: 'query', path: 'not_a_parameter' }));
    },
  },
  413: {
    how: 'payload_too_large for a JSON body over 64 KiB',
    async check(op) {
      const { status, problem } = await send(t, op, { apiKey: t.apiKey, body: JSON.stringify({ padding: 'x'.repeat(65 * 1024) }) });
      expect(status).toBe(413);
      expect(problem.code).toBe('payload_too_large');
    },
  },
  415: {
    how: 'unsupported_media_type for a body that is not JSON',
    async check(op) {
      const { status, problem } = await send(t, op, { apiKey: t.apiKey, body: 'enabled=false', contentType: 'application/x-www-form-urlencoded' });
      expect(status).toBe(415);
      expect(problem.code).toBe('unsupported_media_type');
    },
  },
};

const cases = operations.flatMap((op) =>
  Object.keys(produce)
    .map(Number)
    .filter((status) => op.documents(status))
    .map((status) => ({ ...op, status, how: produce[status]!.how })),
);

it('every operation documents 401 and 429, and every operation with a body 413 and 415', () => {
  for (const op of operations) {
    expect([op.operationId, op.documents(401), op.documents(429)]).toEqual([op.operationId, true, true]);
    if (op.body !== undefined) expect([op.operationId, op.documents(413), op.documents(415)]).toEqual([op.operationId, true, true]);
  }
});

for (const c of cases) {
  it(`${c.operationId} (${c.method} ${c.template}) ${c.status}: ${c.how}`, () => produce[c.status]!.check(c));
}
