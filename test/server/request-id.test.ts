/**
 * Request ids (issue 14 §2): every answer, errors and pages included, carries `Request-Id`; the
 * access log and the problem body carry the same id; a client's well-formed `X-Request-Id` is
 * echoed and logged beside it, never instead. Problem bodies also carry the live API's `error`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newWebhook, sharedTestApp, type TestApp } from '../support/test-app.js';

const REQUEST_ID = /^req_[0-9a-f]{32}$/;

let t: TestApp;
const app = sharedTestApp({ overrides: { docsFile: '/nonexistent/docs/index.html', dashboardDir: '/nonexistent/dashboard' } });
beforeEach(() => {
  t = app.next();
});
afterEach(() => app.check());

/** The access-log line of a request, by the id it answered with. */
function logged(requestId: string): Record<string, any> | undefined {
  return t.logs.entries().find((entry) => (entry.req as { id?: string } | undefined)?.id === requestId && entry.res !== undefined);
}

describe('Request-Id', () => {
  it('is on every answer: 2xx, each kind of 4xx, 405, 503 pages, health, spec, unknown routes', async () => {
    const created = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
    const key = { 'anchor-api-key': t.apiKey };
    const requests: Array<[string, RequestInit?]> = [
      [`/v1/webhooks/${created.id}`, { headers: key }],
      ['/v1/webhooks', { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: '{"url":1}' }],
      ['/v1/webhooks', {}],
      [`/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y`, { headers: key }],
      ['/v1/webhooks', { method: 'PUT', headers: key }],
      ['/v1/nothing-here', { headers: key }],
      ['/docs', {}],
      ['/dashboard', {}],
      ['/healthz', {}],
      ['/openapi.json', {}],
      ['/openapi.yaml', {}],
    ];
    const ids = new Set<string>();
    for (const [path, init] of requests) {
      const res = await fetch(`${t.baseUrl}${path}`, init);
      const id = res.headers.get('request-id');
      expect(id, path).toMatch(REQUEST_ID);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      ids.add(id!);
    }
    expect(ids.size).toBe(requests.length);
  });

  it('the problem body, its `error` member and the access log carry the same id', async () => {
    const res = await fetch(`${t.baseUrl}/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y`, { headers: { 'anchor-api-key': t.apiKey } });
    const problem = await res.json();
    const id = res.headers.get('request-id')!;
    expect(problem).toMatchObject({ code: 'webhook_not_found', status: 404, request_id: id, error: { code: 404, message: problem.detail } });
    expect(logged(id)).toMatchObject({ req: { id, method: 'GET' }, res: { statusCode: 404 } });
  });

  it('a client X-Request-Id is echoed and logged beside ours; a malformed one is neither', async () => {
    const mine = await fetch(`${t.baseUrl}/v1/webhooks`, { headers: { 'anchor-api-key': t.apiKey, 'x-request-id': 'checkout-sync:7f3a' } });
    const id = mine.headers.get('request-id')!;
    expect(id).toMatch(REQUEST_ID);
    expect(mine.headers.get('x-request-id')).toBe('checkout-sync:7f3a');
    expect(logged(id)).toMatchObject({ req: { id }, clientRequestId: 'checkout-sync:7f3a' });

    const odd = await fetch(`${t.baseUrl}/v1/webhooks`, { headers: { 'anchor-api-key': t.apiKey, 'x-request-id': 'has spaces and "quotes"' } });
    const oddId = odd.headers.get('request-id')!;
    expect(oddId).toMatch(REQUEST_ID);
    expect(odd.headers.get('x-request-id')).toBeNull();
    expect(logged(oddId)).not.toHaveProperty('clientRequestId');
  });

  it('API answers are Cache-Control: no-store; the spec is not', async () => {
    const api = await fetch(`${t.baseUrl}/v1/webhooks`, { headers: { 'anchor-api-key': t.apiKey } });
    expect(api.headers.get('cache-control')).toBe('no-store');
    const unauthorised = await fetch(`${t.baseUrl}/v1/webhooks`);
    expect(unauthorised.headers.get('cache-control')).toBe('no-store');
    const spec = await fetch(`${t.baseUrl}/openapi.json`);
    expect(spec.headers.get('cache-control')).toBeNull();
  });
});

describe('the live API\'s `error` member', () => {
  it('is on every problem, with the status and the detail', async () => {
    const answers = await Promise.all([
      fetch(`${t.baseUrl}/v1/webhooks`),
      fetch(`${t.baseUrl}/v1/webhooks`, { method: 'POST', headers: { 'anchor-api-key': t.apiKey, 'content-type': 'text/plain' }, body: 'x' }),
      fetch(`${t.baseUrl}/v1/webhooks?limit=1`, { headers: { 'anchor-api-key': t.apiKey } }),
      fetch(`${t.baseUrl}/v1/webhooks`, { method: 'PUT', headers: { 'anchor-api-key': t.apiKey } }),
      fetch(`${t.baseUrl}/nowhere`),
      fetch(`${t.baseUrl}/docs`),
    ]);
    for (const res of answers) {
      const body = await res.json();
      expect(body.error, res.url).toEqual({ code: res.status, message: body.detail });
      expect(body.status).toBe(res.status);
      expect(body.request_id).toBe(res.headers.get('request-id'));
    }
  });
});
