/**
 * A second, independent validator on live traffic: the end-to-end management journey —
 * every operation of the full spec, with the success and error answers a valid request
 * can get — sent through Prism 5.14.2's validating proxy in front of the reference
 * server (createApp + the delivery worker, in-memory database, loopback receiver, the
 * server's own response validation off).
 *
 *   client → Prism (proxy generated/openapi.json, --errors) → app on 127.0.0.1
 *
 * With `--errors` Prism answers any request or response that breaks the spec with an
 * error of its own (422 for a request, 500 with an `sl-violations` header for a
 * response) instead of passing it on. The test fails on any such answer, on any
 * `sl-violations` header, and on any violation line in Prism's log; the project's own
 * contract checker (test/support/contract.ts) checks the same responses too.
 */
import type { Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnchorClient, type AnchorClient } from '../../client/create-anchor-client.js';
import { startAppWithWorker, type AppWithWorker } from '../delivery/support/app-with-worker.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { contractMiddleware } from '../support/contract.js';
import { startPrism, type RunningPrism } from '../support/prism.js';
import { specOperations } from '../support/coverage/operations.js';
import { createTestClock } from '../support/test-app.js';

const PRISM_ERRORS = 'https://stoplight.io/prism/errors#';
const UNKNOWN_WEBHOOK = 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y';
const UNKNOWN_DELIVERY = '0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e';

let t: AppWithWorker;
let receiver: Receiver;
let prism: RunningPrism;
let prismUrl: string;
/** What Prism objected to: `sl-violations` headers and answers Prism generated itself. */
const prismFindings: string[] = [];
/** What the project's own contract checker objected to. */
const violations: string[] = [];
/** `METHOD /template status` of every answer that came back through Prism. */
const seen = new Set<string>();

/** Records and throws whatever Prism objected to, so the failing step names Prism's finding. */
const prismVerdict: Middleware = {
  async onResponse({ request, response }) {
    const found: string[] = [];
    const header = response.headers.get('sl-violations');
    if (header) found.push(`${request.method} ${request.url}: sl-violations ${header}`);
    if ((response.headers.get('content-type') ?? '').includes('problem+json')) {
      const body = (await response.clone().json()) as { type?: string; validation?: unknown };
      if (body.type?.startsWith(PRISM_ERRORS)) found.push(`${request.method} ${request.url}: Prism answered ${response.status} ${body.type} ${JSON.stringify(body.validation ?? '')}`);
    }
    if (found.length > 0) {
      prismFindings.push(...found);
      throw new Error(`Prism found a violation:\n  ${found.join('\n  ')}`);
    }
    return response;
  },
};

function viaPrism(apiKey: string): AnchorClient {
  const client = createAnchorClient({ apiKey, baseUrl: prismUrl });
  // onResponse middleware runs last-registered first: Prism's verdict, then our own checker.
  client.use(contractMiddleware(violations, seen), prismVerdict);
  return client;
}

/** Prism's own log lines that report a broken request or response. */
const violationLines = () => prism.log().split('\n').filter((line) => /violation|terminated with error/i.test(line));

beforeAll(async () => {
  receiver = await startReceiver();
  // The server's own response validator is off here, so what reaches Prism is exactly what
  // the handlers wrote: Prism, not express-openapi-validator, judges every response body.
  t = await startAppWithWorker({ clock: createTestClock(Date.now()), config: { validateResponses: false }, delivery: { timeoutMs: 10_000 } });
  prism = await startPrism(['proxy', 'generated/openapi.json', t.baseUrl]);
  prismUrl = prism.baseUrl;
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  await t?.close();
  await receiver?.close();
});

describe('the management journey through Prism’s validating proxy', () => {
  let anchor: AnchorClient;
  let webhookId = '';
  let deliveryId = '';
  let secret = '';

  it('lists the event catalog', async () => {
    anchor = viaPrism(t.apiKey);
    const { data, response } = await anchor.GET('/v1/webhook-event-types');
    expect(response.status).toBe(200);
    expect(data!.data.count).toBe(13);
  });

  it('creates a webhook with an Idempotency-Key; the replay is the same webhook; another body is 422', async () => {
    const header = { 'Idempotency-Key': 'prism-journey-1' };
    const body = { url: receiver.url, subscribed_events: ['task.completed', 'task.failed'] as Array<'task.completed' | 'task.failed'>, description: 'Through Prism' };
    const first = await anchor.POST('/v1/webhooks', { params: { header }, body });
    expect(first.response.status).toBe(201);
    webhookId = first.data!.id;
    secret = first.data!.secret;
    const replay = await anchor.POST('/v1/webhooks', { params: { header }, body });
    expect([replay.response.status, replay.data?.id, replay.data?.secret]).toEqual([201, webhookId, secret]);
    const reused = await anchor.POST('/v1/webhooks', { params: { header }, body: { ...body, description: 'Another body' } });
    expect([reused.response.status, reused.error?.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('lists, gets, updates and rotates it', async () => {
    const path = { webhook_id: webhookId };
    const list = await anchor.GET('/v1/webhooks');
    expect(list.data!.data.items.map((w) => w.id)).toEqual([webhookId]);
    const got = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(got.data).toMatchObject({ id: webhookId, url: receiver.url, description: 'Through Prism' });
    const updated = await anchor.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { description: 'Renamed through Prism' } });
    expect(updated.data).toMatchObject({ id: webhookId, description: 'Renamed through Prism' });
    const rotated = await anchor.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path }, body: { previous_secret_ttl_seconds: 60 } });
    expect(rotated.response.status).toBe(200);
    expect(rotated.data!.secret).not.toBe(secret);
  });

  it('answers the errors a valid request can get: 400 url_not_allowed, 400 unknown query parameter, 401 unknown key, 404', async () => {
    const blocked = await anchor.POST('/v1/webhooks', { body: { url: 'https://169.254.169.254/latest/meta-data/', subscribed_events: ['task.completed'] } });
    expect([blocked.response.status, blocked.error?.code]).toEqual([400, 'url_not_allowed']);
    const unknownQuery = await anchor.GET('/v1/webhooks', { params: { query: { page: 2 } as never } });
    expect([unknownQuery.response.status, unknownQuery.error?.code]).toEqual([400, 'validation_failed']);
    const stranger = await viaPrism('anc_not-a-real-key-0000000000000000').GET('/v1/webhooks');
    expect([stranger.response.status, stranger.error?.code]).toEqual([401, 'unauthorized']);
    const missing = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: UNKNOWN_WEBHOOK } } });
    expect([missing.response.status, missing.error?.code]).toEqual([404, 'webhook_not_found']);
  });

  it('refuses a sixth webhook with 409 webhook_limit_reached', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { data, response } = await anchor.POST('/v1/webhooks', { body: { url: receiver.url, subscribed_events: ['batch.completed'] } });
      expect(response.status).toBe(201);
      extra.push(data!.id);
    }
    const sixth = await anchor.POST('/v1/webhooks', { body: { url: receiver.url, subscribed_events: ['batch.completed'] } });
    expect([sixth.response.status, sixth.error?.code]).toEqual([409, 'webhook_limit_reached']);
    for (const id of extra) expect((await anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: id } } })).response.status).toBe(200);
  });

  it('sends a test event; redelivering it while in flight is 409 delivery_in_progress', async () => {
    receiver.setResponder(() => ({ status: 200, body: 'ok', delayMs: 1_500 }));
    const sent = await anchor.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: 'task.failed' } });
    expect(sent.response.status).toBe(202);
    deliveryId = sent.data!.delivery_id;
    const early = await anchor.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: deliveryId } },
    });
    expect([early.response.status, early.error?.code]).toEqual([409, 'delivery_in_progress']);
    await receiver.waitFor(1);
    await t.worker.idle();
    receiver.setResponder(() => ({ status: 200, body: 'ok' }));
  });

  it('reads the delivery log and the delivery, redelivers it, and 404s an unknown delivery', async () => {
    const path = { webhook_id: webhookId, delivery_id: deliveryId };
    const list = await anchor.GET('/v1/webhooks/{webhook_id}/events', { params: { path: { webhook_id: webhookId }, query: { status: 'succeeded', limit: 10 } } });
    expect(list.data!.data.items.map((d) => d.id)).toEqual([deliveryId]);
    const one = await anchor.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path } });
    expect(one.data).toMatchObject({ id: deliveryId, status: 'succeeded', attempt_count: 1 });
    expect(one.data!.payload).toBe(receiver.requests[0]!.rawBody.toString('utf8'));
    const again = await anchor.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: { path } });
    expect([again.response.status, again.data?.status]).toEqual([202, 'pending']);
    await receiver.waitFor(2);
    await t.worker.idle();
    const unknown = await anchor.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: UNKNOWN_DELIVERY } } });
    expect([unknown.response.status, unknown.error?.code]).toEqual([404, 'delivery_not_found']);
  });

  it('publishes an event (the internal operation) to the subscribed webhook', async () => {
    const published = await anchor.POST('/v1/events', { body: { type: 'task.completed' } });
    expect([published.response.status, published.data?.delivery_count]).toEqual([202, 1]);
    await receiver.waitFor(3);
    await t.worker.idle();
  });

  it('reads the webhook’s stats and the server’s settings (the internal operation)', async () => {
    const stats = await anchor.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: webhookId } } });
    expect([stats.response.status, stats.data?.counts.succeeded, stats.data?.hourly.length]).toEqual([200, 2, 24]);
    const info = await anchor.GET('/v1/server-info');
    expect([info.response.status, info.data?.allow_private_targets]).toEqual([200, true]);
  });

  it('refuses a test event to a disabled webhook with 409 webhook_disabled, then deletes it', async () => {
    const path = { webhook_id: webhookId };
    const disabled = await anchor.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: false } });
    expect(disabled.data).toMatchObject({ enabled: false, disabled_reason: 'manual' });
    const refused = await anchor.POST('/v1/webhooks/{webhook_id}/test', { params: { path }, body: { event_type: 'task.completed' } });
    expect([refused.response.status, refused.error?.code]).toEqual([409, 'webhook_disabled']);
    const deleted = await anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(deleted.data).toMatchObject({ id: webhookId, deleted: true });
    const gone = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(gone.response.status).toBe(404);
  });

  it('went through Prism for every operation of the spec, and neither validator found a violation', () => {
    const called = new Set([...seen].map((entry) => entry.split(' ').slice(0, 2).join(' ')));
    expect(specOperations().map((op) => `${op.method} ${op.template}`).filter((op) => !called.has(op))).toEqual([]);
    expect(prism.log()).toContain('Forwarding');
    expect(prismFindings).toEqual([]);
    expect(violationLines()).toEqual([]);
    expect(violations).toEqual([]);
  });
});
