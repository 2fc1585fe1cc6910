import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnchorClient, throwOnError, verifyWebhook, type AnchorClient, type WebhookEvent } from '../../client/index.js';
import { startAppWithWorker, type AppWithWorker } from '../delivery/support/app-with-worker.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { contractMiddleware } from '../support/contract.js';
import { createTestClock } from '../support/test-app.js';
import { publicCalls, publicOperations, type CallContext } from './support/public-operations.js';

// The client against the real reference server (createApp + the delivery worker, on
// 127.0.0.1 with an in-memory database): every public operation, in a realistic order,
// each response checked against the spec by the shared contract middleware.
const operations = publicOperations();
let t: AppWithWorker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let anchor: AnchorClient;
const violations: string[] = [];
const seen = new Set<string>();

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startAppWithWorker({ clock: createTestClock(Date.now()) });
  anchor = createAnchorClient({ apiKey: t.apiKey, baseUrl: t.baseUrl, retry: true });
  anchor.use(contractMiddleware(violations, seen));
});

afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('the client against the reference server', () => {
  const ctx: CallContext = { webhookId: '', deliveryId: '', receiverUrl: '' };
  const secrets: string[] = [];
  const call = (operationId: string) => publicCalls[operationId]!(anchor, ctx);

  it('has a call for every public operation', () => {
    expect(Object.keys(publicCalls).sort()).toEqual(operations.map((o) => o.operationId).sort());
  });

  it('lists the event catalog', async () => {
    const { data } = (await call('listWebhookEventTypes')) as { data: { data: { count: number; items: Array<{ type: string }> } } };
    expect(data.data.count).toBe(13);
  });

  it('creates a webhook (with an Idempotency-Key) and gets its secret once', async () => {
    ctx.receiverUrl = receiver.url;
    const { data, response } = (await call('createWebhook')) as { data: { id: string; secret: string }; response: Response };
    expect(response.status).toBe(201);
    expect(data.secret).toMatch(/^[0-9a-f]{64}$/);
    ctx.webhookId = data.id;
    secrets.push(data.secret);
  });

  it('lists, gets and updates it', async () => {
    const list = await throwOnError(anchor.GET('/v1/webhooks'));
    expect(list.data.items.map((w) => w.id)).toContain(ctx.webhookId);
    const got = (await call('getWebhook')) as { data: Record<string, unknown> };
    expect(got.data).toMatchObject({ id: ctx.webhookId, url: receiver.url });
    expect(got.data).not.toHaveProperty('secret');
    await call('listWebhooks');
    const updated = (await call('updateWebhook')) as { data: { description: string } };
    expect(updated.data.description).toBe('renamed by the client SDK test');
  });

  it('rotates the secret', async () => {
    const { data } = (await call('rotateWebhookSecret')) as { data: { secret: string; previous_secret_expires_at: string } };
    expect(data.secret).not.toBe(secrets[0]);
    secrets.unshift(data.secret);
  });

  it('sends a test event that arrives signed with both secrets and verifies with verifyWebhook', async () => {
    const { data, response } = (await call('sendWebhookTestEvent')) as { data: { delivery_id: string; external_event_id: string }; response: Response };
    expect(response.status).toBe(202);
    ctx.deliveryId = data.delivery_id;
    await receiver.waitFor(1);
    await t.worker.idle();
    const delivery = receiver.requests[0]!;
    expect(delivery.headers['anchor-delivery-id']).toBe(ctx.deliveryId);
    for (const secret of secrets) {
      const event: WebhookEvent = verifyWebhook({ body: delivery.rawBody, headers: delivery.headers, secret });
      expect(event).toMatchObject({ id: data.external_event_id, type: 'task.completed' });
    }
  });

  it('reads the delivery log and one delivery with its attempts', async () => {
    const list = (await call('listWebhookEvents')) as { data: { data: { items: Array<{ id: string; status: string }> } } };
    expect(list.data.data.items).toEqual([expect.objectContaining({ id: ctx.deliveryId, status: 'succeeded' })]);
    const one = (await call('getWebhookEvent')) as { data: { payload: string; attempts: Array<{ status_code: number | null }> } };
    expect(one.data.attempts.map((a) => a.status_code)).toEqual([200]);
    expect(one.data.payload).toBe(receiver.requests[0]!.rawBody.toString('utf8'));
  });

  it('redelivers it', async () => {
    const { response } = await call('redeliverWebhookEvent');
    expect(response.status).toBe(202);
    await receiver.waitFor(2);
    await t.worker.idle();
    expect(receiver.requests[1]!.headers['anchor-delivery-id']).toBe(ctx.deliveryId);
  });

  it('reads its stats: the last delivery and the last 24 h by status', async () => {
    const { data } = (await call('getWebhookStats')) as { data: { counts: { succeeded: number }; last_delivery: { id: string } | null; hourly: unknown[] } };
    expect(data.counts.succeeded).toBe(1);
    expect(data.last_delivery?.id).toBe(ctx.deliveryId);
    expect(data.hourly).toHaveLength(24);
  });

  it('deletes it, after which a get is a typed 404', async () => {
    const { data } = (await call('deleteWebhook')) as { data: { deleted: boolean } };
    expect(data.deleted).toBe(true);
    const { error } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: ctx.webhookId } } });
    expect(error).toMatchObject({ code: 'webhook_not_found', status: 404 });
  });

  it('every public operation was called, got its documented success status, and matched the spec', () => {
    expect(violations).toEqual([]);
    for (const op of operations) expect(seen).toContain(`${op.method} ${op.path} ${op.successStatus}`);
  });
});

describe('retries against the real rate limiter', () => {
  it('a GET answered 429 is retried after Retry-After and succeeds', async () => {
    const limited = await startAppWithWorker({ config: { rateLimitPerSecond: 1, rateLimitBurst: 1 }, startWorker: false });
    try {
      const waits: number[] = [];
      const client = createAnchorClient({
        apiKey: limited.apiKey,
        baseUrl: limited.baseUrl,
        retry: {
          // The server's clock is the test clock: waiting is moving it forward.
          sleep: async (ms) => {
            waits.push(ms);
            limited.clock.advance(ms);
          },
        },
      });
      client.use(contractMiddleware(violations));
      expect((await client.GET('/v1/webhooks')).response.status).toBe(200);
      const second = await client.GET('/v1/webhooks');
      expect(second.response.status).toBe(200);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(1000);

      const noRetry = createAnchorClient({ apiKey: limited.apiKey, baseUrl: limited.baseUrl });
      const { error, response } = await noRetry.GET('/v1/webhooks');
      expect([response.status, error?.code]).toEqual([429, 'rate_limited']);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });
});
