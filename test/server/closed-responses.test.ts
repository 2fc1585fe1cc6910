/**
 * §7 of issue 14: the published contract is open (clients tolerate new fields), but the server
 * checks its own answers against a closed view of it (generated/openapi.validation.json), and so
 * does every test's contract checker. Negative control: a handler that leaks the signing secret
 * on GET is caught by both, so every test that reads a webhook would fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppParts } from '../../server/app.js';
import { loadBundle, loadValidationView } from '../support/spec.js';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

/** GET answers the webhook with its secret, as a careless change to present.ts would. */
const leakSecretOnGet = (ops: AppParts['operations']): AppParts['operations'] => ({
  ...ops,
  webhooks: { ...ops.webhooks, get: (projectId, webhookId) => ({ ...ops.webhooks.get(projectId, webhookId), secret: 'ab'.repeat(32) }) as never },
});

let t: TestApp | undefined;
afterEach(async () => {
  // The leaking app's contract violations are the point of these tests, not a failure of them.
  t?.violations.splice(0);
  await t?.close();
  t = undefined;
});

describe('closed response validation', () => {
  it('the published bundles stay open; the validation view closes every response object', () => {
    const open = loadBundle('public').components.schemas!.WebhookPublic;
    expect(open).not.toHaveProperty('additionalProperties');
    expect(open).not.toHaveProperty('unevaluatedProperties');
    const view = loadValidationView();
    const getWebhook = view.paths['/v1/webhooks/{webhook_id}']!.get.responses['200'].content['application/json'].schema;
    expect(getWebhook.unevaluatedProperties).toBe(false);
    // allOf members stay open at their top (the parent closes over all of them); nested objects close.
    const created = view.paths['/v1/webhooks']!.post.responses['201'].content['application/json'].schema;
    expect(created.unevaluatedProperties).toBe(false);
    expect(created.allOf.map((member: Record<string, unknown>) => member.unevaluatedProperties)).toEqual([undefined, undefined]);
    const detail = view.paths['/v1/webhooks/{webhook_id}/events/{delivery_id}']!.get.responses['200'].content['application/json'].schema;
    const attempt = detail.allOf[1].properties.attempts.items;
    expect(attempt.unevaluatedProperties).toBe(false);
    // A free-form map keeps its additionalProperties, as the contract says.
    expect(attempt.properties.request_headers.additionalProperties).toMatchObject({ type: 'string' });
    expect(attempt.properties.request_headers).not.toHaveProperty('unevaluatedProperties');
  });

  it('negative control: a GET that leaks `secret` is a 500 from the server, never the secret', async () => {
    t = await startTestApp({ overrides: { wrapOperations: leakSecretOnGet } });
    const created = await t.client.POST('/v1/webhooks', { body: newWebhook() });
    const res = await fetch(`${t.baseUrl}/v1/webhooks/${created.data!.id}`, { headers: { 'anchor-api-key': t.apiKey } });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error' });
    expect(text).not.toContain('ab'.repeat(32));
    // The log says which field broke the contract (without its value).
    const logged = t.logs.lines.find((line) => line.includes('unevaluated properties'));
    expect(logged).toBeDefined();
    expect(logged).not.toContain('ab'.repeat(32));
  });

  it('negative control: with the server\'s own check off, every test client still fails on the leaked field', async () => {
    t = await startTestApp({ config: { validateResponses: false }, overrides: { wrapOperations: leakSecretOnGet } });
    const created = await t.client.POST('/v1/webhooks', { body: newWebhook() });
    await expect(t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.data!.id } } })).rejects.toThrow(/field the spec does not document/);
    expect(t.violations).toEqual([expect.stringContaining('GET /v1/webhooks/{webhook_id} → 200: the body has a field the spec does not document')]);
  });

  it('the same app without the leak passes both checks', async () => {
    t = await startTestApp();
    const created = await t.client.POST('/v1/webhooks', { body: newWebhook() });
    const { response, data } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.data!.id } } });
    expect(response.status).toBe(200);
    expect(data).not.toHaveProperty('secret');
    expect(t.violations).toEqual([]);
  });
});
