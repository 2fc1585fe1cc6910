import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

it('a body that does not match its Content-Encoding is a 400 about the body, not the URL', async () => {
  const res = await fetch(`${t.baseUrl}/v1/webhooks`, {
    method: 'POST',
    headers: { 'anchor-api-key': t.apiKey, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: JSON.stringify({ url: 'https://hooks.anchor-customer.io/in', subscribed_events: ['task.completed'] }),
  });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = await res.json();
  expect(problem).toMatchObject({ code: 'validation_failed', errors: [{ location: 'body', path: '', message: 'Send a body that matches its Content-Encoding, or none.', rule: 'content_encoding' }] });
  expect(problem.detail).toMatch(/^The request body could not be decompressed \(.+\)\.$/);
});
