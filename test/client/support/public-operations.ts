import type { AnchorClient } from '../../../client/index.js';
import { loadBundle, operationsOf } from '../../support/spec.js';

/** Ids the calls need; for a mock, the spec's example ids do. */
export interface CallContext {
  webhookId: string;
  deliveryId: string;
  receiverUrl: string;
}

type CallResult = { response: Response; data?: unknown; error?: unknown };

/**
 * One typed call per public operation, through `createAnchorClient`. Adding an operation
 * to the public spec fails `publicOperationIds()`'s coverage check until it has a call here.
 */
export const publicCalls: Record<string, (anchor: AnchorClient, ctx: CallContext) => Promise<CallResult>> = {
  listWebhookEventTypes: (anchor) => anchor.GET('/v1/webhook-event-types'),
  createWebhook: (anchor, ctx) =>
    anchor.POST('/v1/webhooks', {
      params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
      body: { url: ctx.receiverUrl, subscribed_events: ['task.completed', 'task.failed'], description: 'client SDK test' },
    }),
  listWebhooks: (anchor) => anchor.GET('/v1/webhooks'),
  getWebhook: (anchor, ctx) => anchor.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: ctx.webhookId } } }),
  updateWebhook: (anchor, ctx) =>
    anchor.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: ctx.webhookId } }, body: { description: 'renamed by the client SDK test' } }),
  rotateWebhookSecret: (anchor, ctx) =>
    anchor.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: ctx.webhookId } }, body: { previous_secret_ttl_seconds: 3600 } }),
  sendWebhookTestEvent: (anchor, ctx) =>
    anchor.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: ctx.webhookId } }, body: { event_type: 'task.completed' } }),
  listWebhookEvents: (anchor, ctx) =>
    anchor.GET('/v1/webhooks/{webhook_id}/events', { params: { path: { webhook_id: ctx.webhookId }, query: { limit: 10, event_type: 'task.completed' } } }),
  getWebhookEvent: (anchor, ctx) =>
    anchor.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: ctx.webhookId, delivery_id: ctx.deliveryId } } }),
  redeliverWebhookEvent: (anchor, ctx) =>
    anchor.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: { path: { webhook_id: ctx.webhookId, delivery_id: ctx.deliveryId } } }),
  getWebhookStats: (anchor, ctx) => anchor.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: ctx.webhookId } } }),
  deleteWebhook: (anchor, ctx) => anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: ctx.webhookId } } }),
};

/** Every operation of the public bundle: method, path template, operationId and its documented success status. */
export function publicOperations() {
  return operationsOf(loadBundle('public')).map(({ method, path, operation }) => ({
    method: method.toUpperCase(),
    path,
    operationId: operation.operationId as string,
    successStatus: Number(Object.keys(operation.responses).find((s) => s.startsWith('2'))),
  }));
}
