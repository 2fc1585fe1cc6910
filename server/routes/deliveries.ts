import { Router, type Request } from 'express';
import type { operations } from '../../generated/schema.js';
import { projectIdOf } from '../auth.js';
import type { Clock } from '../clock.js';
import type { EventType } from '../delivery/event-catalog.js';
import { presentDelivery, presentDeliveryDetail } from '../delivery/present.js';
import type { Publisher } from '../delivery/publish.js';
import type { DeliveryNotifier } from '../delivery/worker.js';
import { ProblemError } from '../problem.js';
import { fullSpec } from '../spec.js';
import type { DeliveryFilter, DeliveryStatus, DeliveryStore } from '../storage/deliveries.js';

type Json<Op extends keyof operations, Status extends number> = operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer T } }>
  ? T
  : never;
type DeliveryListEnvelope = Json<'listWebhookEvents', 200>;
type DeliveryDetail = Json<'getWebhookEvent', 200>;
type RedeliveredDelivery = Json<'redeliverWebhookEvent', 202>;
type QueuedTestEvent = Json<'sendWebhookTestEvent', 202>;
type ListQuery = NonNullable<operations['listWebhookEvents']['parameters']['query']>;
type TestEventRequest = operations['sendWebhookTestEvent']['requestBody']['content']['application/json'];

export type DeliveriesRouterDeps = { deliveries: DeliveryStore; publisher: Publisher; clock: Clock; notifier?: DeliveryNotifier };

const webhookNotFound = () => new ProblemError('webhook_not_found', 'Webhook not found in this project.');
const deliveryNotFound = () => new ProblemError('delivery_not_found', 'Delivery not found for this webhook.');

// Page-size and offset defaults are the spec's, read at run time.
const parameterDefault = (name: string): number => Number(fullSpec.components.parameters?.[name]?.schema?.default);
const DEFAULT_LIMIT = parameterDefault('Limit');
const DEFAULT_OFFSET = parameterDefault('Offset');

/** The validator has checked every query parameter against the spec; this only converts them. */
function filterOf(query: Request['query']): DeliveryFilter {
  const q = query as Partial<Record<keyof ListQuery, string | number>>;
  const num = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  const time = (value: string | number | undefined) => (value === undefined ? undefined : Date.parse(String(value)));
  return {
    limit: num(q.limit, DEFAULT_LIMIT),
    offset: num(q.offset, DEFAULT_OFFSET),
    ...(q.status !== undefined ? { status: String(q.status) as DeliveryStatus } : {}),
    ...(q.event_type !== undefined ? { eventType: String(q.event_type) } : {}),
    ...(q.created_after !== undefined ? { createdAfter: time(q.created_after) } : {}),
    ...(q.created_before !== undefined ? { createdBefore: time(q.created_before) } : {}),
  };
}

/** listWebhookEvents, getWebhookEvent, redeliverWebhookEvent and sendWebhookTestEvent. */
export function deliveriesRouter({ deliveries, publisher, clock, notifier }: DeliveriesRouterDeps): Router {
  const router = Router();
  const webhookId = (req: Request) => String(req.params.webhook_id);
  const deliveryId = (req: Request) => String(req.params.delivery_id);

  /** The log stays readable after the webhook is deleted; another project's webhook is simply not found. */
  function loggedWebhook(req: Request) {
    const webhook = deliveries.webhookInProject(projectIdOf(req), webhookId(req));
    if (!webhook) throw webhookNotFound();
    return webhook;
  }

  router.get('/v1/webhooks/:webhook_id/events', (req, res) => {
    loggedWebhook(req);
    const { count, items } = deliveries.list(webhookId(req), filterOf(req.query));
    const body: DeliveryListEnvelope = { data: { count, items: items.map(presentDelivery) } };
    res.json(body);
  });

  router.get('/v1/webhooks/:webhook_id/events/:delivery_id', (req, res) => {
    loggedWebhook(req);
    const row = deliveries.get(webhookId(req), deliveryId(req));
    const payload = row && deliveries.payloadOf(row.event_id);
    if (!row || payload === undefined) throw deliveryNotFound();
    const body: DeliveryDetail = presentDeliveryDetail(row, payload, deliveries.attempts(row.id));
    res.json(body);
  });

  router.post('/v1/webhooks/:webhook_id/events/:delivery_id/redeliver', (req, res) => {
    const webhook = loggedWebhook(req);
    if (webhook.deleted) throw webhookNotFound();
    if (!deliveries.get(webhookId(req), deliveryId(req))) throw deliveryNotFound();
    if (!webhook.enabled) throw new ProblemError('webhook_disabled', 'This webhook is disabled; enable it before redelivering.');
    const result = deliveries.redeliver(webhookId(req), deliveryId(req), clock.now());
    if (result.kind === 'not_found') throw deliveryNotFound();
    if (result.kind === 'in_progress') throw new ProblemError('delivery_in_progress', 'This delivery already has an attempt pending or in flight.');
    notifier?.notify();
    const body: RedeliveredDelivery = presentDelivery(result.delivery);
    res.status(202).json(body);
  });

  router.post('/v1/webhooks/:webhook_id/test', (req, res) => {
    const webhook = loggedWebhook(req);
    if (webhook.deleted) throw webhookNotFound();
    if (!webhook.enabled) throw new ProblemError('webhook_disabled', 'This webhook is disabled; enable it before sending a test event.');
    const { event_type } = req.body as TestEventRequest;
    const published = publisher.publishTest({ projectId: projectIdOf(req), webhookId: webhookId(req), type: event_type as EventType });
    const [delivery] = published.deliveryIds;
    // Disabled or deleted between the check and the insert.
    if (!delivery) throw new ProblemError('webhook_disabled', 'This webhook is disabled; enable it before sending a test event.');
    const body: QueuedTestEvent = { external_event_id: published.id, event_type, delivery_id: delivery };
    res.status(202).json(body);
  });

  return router;
}
