/**
 * An API request is routed once, by the validator, to the handler of the operation it matched;
 * the site's routes (docs, spec, dashboard) are never tried for it, and API paths never reach them.
 */
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operations } from '../../generated/contract.js';
import { dispatchOperations, expressPath, registerOperationRoutes, type OperationHandler } from '../../server/http/operation-routes.js';
import { sharedTestApp, type TestApp } from '../support/test-app.js';

const app = sharedTestApp();

describe('operation routing', () => {
  let t: TestApp;
  beforeEach(() => {
    t = app.next();
  });
  afterEach(() => app.check());

  it('each spec operation reaches its own handler, with its decoded path parameters', async () => {
    const seen: Array<{ op: string; params: Record<string, string> }> = [];
    const dispatch = dispatchOperations(
      Object.fromEntries(operations.map(({ operationId }) => [operationId, ((req, res) => void seen.push({ op: operationId, params: { ...(req.params as Record<string, string>) } })) as OperationHandler])),
    );
    for (const { operationId, path } of operations) {
      const params = Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name!, `${name} 1`]));
      const req = { openapi: { schema: { operationId }, pathParams: params }, params: {} } as never;
      let passedOn = false;
      dispatch(req, {} as never, () => (passedOn = true));
      expect(passedOn, operationId).toBe(false);
      expect(seen.at(-1)).toEqual({ op: operationId, params });
    }
    expect(seen).toHaveLength(operations.length);
  });

  it('passes on a request the validator did not match, or an operation with no handler', () => {
    const dispatch = dispatchOperations({ getWebhook: () => {} });
    for (const req of [{}, { openapi: {} }, { openapi: { schema: { operationId: 'listWebhooks' } } }]) {
      let passedOn = false;
      dispatch(req as never, {} as never, () => (passedOn = true));
      expect(passedOn).toBe(true);
    }
  });

  it('registerOperationRoutes puts each handler at its method and Express path', () => {
    const router = express.Router();
    registerOperationRoutes(router, Object.fromEntries(operations.map(({ operationId }) => [operationId, () => {}])));
    const routes = router.stack.map((layer) => {
      const route = layer.route as unknown as { path: string; methods: Record<string, boolean> };
      return `${Object.keys(route.methods)[0]!.toUpperCase()} ${route.path}`;
    });
    expect(routes).toEqual(operations.map(({ method, path }) => `${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
    expect(expressPath('/v1/webhooks/{webhook_id}/events/{delivery_id}')).toBe('/v1/webhooks/:webhook_id/events/:delivery_id');
  });

  it('a path under /v1/ is the API only: a site route name there is a 404 problem, and site routes answer outside it', async () => {
    for (const path of ['/v1/docs', '/v1/healthz', '/v1/dashboard', '/v1/openapi.json']) {
      const res = await fetch(`${t.baseUrl}${path}`, { headers: { 'anchor-api-key': t.apiKey } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${t.baseUrl}/healthz`, { method: 'HEAD' })).status).toBe(200);
    // Routes are case-sensitive on both sides of the split.
    expect((await fetch(`${t.baseUrl}/HEALTHZ`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/V1/webhooks`, { headers: { 'anchor-api-key': t.apiKey } })).status).toBe(404);
  });

  it('the API answers through the dispatch: a webhook created is read back at its id', async () => {
    const created = await t.client.POST('/v1/webhooks', { body: { url: 'https://example.com/hook', subscribed_events: ['task.completed'] } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    const read = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: id } } });
    expect(read.data?.id).toBe(id);
  });
});
