import type { Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnchorClient, throwOnError, AnchorApiError, type AnchorClient } from '../../client/index.js';
import { contractMiddleware } from '../support/contract.js';
import { startPrism, type RunningPrism } from '../support/prism.js';
import { publicCalls, publicOperations, type CallContext } from './support/public-operations.js';

// The client against Prism 5.14.2 mocking generated/openapi.public.json: this checks the
// client fits the spec independently of our server. `--errors` makes Prism answer any
// request that breaks the spec with an error and an `sl-violations` header.
const operations = publicOperations();
// The spec's example ids, as Prism's static examples use them.
const ctx: CallContext = {
  webhookId: 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y',
  deliveryId: '0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e',
  receiverUrl: 'https://your-app.example.com/anchor/webhooks',
};

let prism: RunningPrism;
let baseUrl: string;
const violations: string[] = [];
const seen = new Set<string>();
const prismViolations: string[] = [];

/** Records Prism's own verdict on each request (`sl-violations`), which must stay empty. */
const prismVerdict: Middleware = {
  onResponse({ request, response }) {
    const header = response.headers.get('sl-violations');
    if (header) prismViolations.push(`${request.method} ${request.url}: ${header}`);
  },
};

function client(apiKey = 'ak_test_key'): AnchorClient {
  const anchor = createAnchorClient({ apiKey, baseUrl });
  anchor.use(contractMiddleware(violations, seen), prismVerdict);
  return anchor;
}

beforeAll(async () => {
  prism = await startPrism(['mock', 'generated/openapi.public.json']);
  baseUrl = prism.baseUrl;
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

describe('the client against a Prism mock of the public spec', () => {
  it('has a call for every public operation, and nothing else', () => {
    expect(Object.keys(publicCalls).sort()).toEqual(operations.map((o) => o.operationId).sort());
  });

  it.each(operations)('$operationId ($method $path): succeeds with the documented status and a body valid against the spec', async (op) => {
    const { response, error } = await publicCalls[op.operationId]!(client(), ctx);
    expect(error).toBeUndefined();
    expect(response.status).toBe(op.successStatus);
    expect(response.headers.get('sl-violations')).toBeNull();
  });

  it('every response was checked by the spec validator, with no violation from either side', () => {
    expect(violations).toEqual([]);
    expect(prismViolations).toEqual([]);
    for (const op of operations) expect(seen).toContain(`${op.method} ${op.path} ${op.successStatus}`);
  });

  it('a problem answer is a typed error with code, status and detail', async () => {
    const { error, response } = await client().GET('/v1/webhooks/{webhook_id}', {
      params: { path: { webhook_id: ctx.webhookId } },
      headers: { Prefer: 'code=404' },
    });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 'webhook_not_found', status: 404 });
    expect(error?.detail).toEqual(expect.any(String));
  });

  it('throwOnError turns a 409 into an AnchorApiError', async () => {
    const failure = await throwOnError(
      client().POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: ctx.webhookId } }, body: { event_type: 'task.failed' }, headers: { Prefer: 'code=409' } }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AnchorApiError);
    expect(failure).toMatchObject({ status: 409, code: 'webhook_disabled' });
  });

  it('Prism itself rejects a call without the API key (the middleware is what sends it)', async () => {
    const bare = await fetch(`${baseUrl}/v1/webhooks`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('sl-violations')).toContain('security');
  });
});
