/** The 5-per-project limit holds when creates race: count and insert happen in one transaction. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

it('50 parallel creates at one project: exactly 5 × 201 and 45 × 409', async () => {
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => t.client.POST('/v1/webhooks', { body: newWebhook({ description: `racer ${i}` }) })),
  );
  const statuses = results.map((r) => r.response.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(5);
  expect(statuses.filter((s) => s === 409)).toHaveLength(45);
  for (const r of results.filter((r) => r.response.status === 409)) expect(r.error?.code).toBe('webhook_limit_reached');

  const created = results.flatMap((r) => (r.data ? [r.data.id] : []));
  const { data } = await t.client.GET('/v1/webhooks');
  expect(data!.data.count).toBe(5);
  expect(new Set(data!.data.items.map((w) => w.id))).toEqual(new Set(created));
});

it('the limit is per project: another project can still create while this one is full', async () => {
  const other = t.newProject();
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? t.client : other.client).POST('/v1/webhooks', { body: newWebhook() })),
  );
  expect(results.filter((r) => r.response.status === 201)).toHaveLength(10);
  expect((await t.client.GET('/v1/webhooks')).data!.data.count).toBe(5);
  expect((await other.client.GET('/v1/webhooks')).data!.data.count).toBe(5);
});
