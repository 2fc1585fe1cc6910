import { attemptsShown, deliveryLogPage } from '../../generated/contract.js';
import type { operations } from '../../generated/schema.js';
import type { Clock } from '../clock.js';
import type { EventType } from '../delivery/event-catalog.js';
import type { Publisher } from '../delivery/publish.js';
import type { DeliveryNotifier } from '../delivery/worker.js';
import { ProblemError } from '../problem.js';
import type { DeliveryFilter, DeliveryStatus, DeliveryStore, WebhookState } from '../storage/deliveries.js';
import type { Answer, Idempotency } from './idempotency.js';
import { presentDelivery, presentDeliveryDetail, presentWebhookStats, statsWindowStart } from './present.js';

type Json<Op extends keyof operations, Status extends number> = operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer T } }>
  ? T
  : never;
export type DeliveryListEnvelope = Json<'listWebhookEvents', 200>;
export type DeliveryDetail = Json<'getWebhookEvent', 200>;
export type RedeliveredDelivery = Json<'redeliverWebhookEvent', 202>;
export type QueuedTestEvent = Json<'sendWebhookTestEvent', 202>;
export type WebhookStats = Json<'getWebhookStats', 200>;
export type DeliveryListQuery = NonNullable<operations['listWebhookEvents']['parameters']['query']>;
export type TestEventRequest = operations['sendWebhookTestEvent']['requestBody']['content']['application/json'];

export type DeliveryOperationsDeps = {
  deliveries: DeliveryStore;
  publisher: Publisher;
  clock: Clock;
  notifier: DeliveryNotifier;
  /** The worker's ANCHOR_AUTO_DISABLE_AFTER, for the stats' `auto_disable_at`. */
  autoDisableAfterMs: number;
  idempotency: Idempotency;
};

const webhookNotFound = () => new ProblemError('webhook_not_found', 'Webhook not found in this project.');
const deliveryNotFound = () => new ProblemError('delivery_not_found', 'Delivery not found for this webhook.');
const webhookDisabled = (action: string) => new ProblemError('webhook_disabled', `This webhook is disabled; enable it before ${action}.`);

/** The validator has checked every query parameter against the spec; this only converts them. */
export function deliveryFilterOf(query: Partial<Record<keyof DeliveryListQuery, unknown>>): DeliveryFilter {
  const num = (value: unknown, fallback: number) => (value === undefined ? fallback : Number(value));
  const time = (value: unknown) => Date.parse(String(value));
  return {
    limit: num(query.limit, deliveryLogPage.limit.default),
    offset: num(query.offset, deliveryLogPage.offset.default),
    ...(query.status !== undefined ? { status: String(query.status) as DeliveryStatus } : {}),
    ...(query.event_type !== undefined ? { eventType: String(query.event_type) } : {}),
    ...(query.event_id !== undefined ? { eventId: String(query.event_id) } : {}),
    ...(query.created_after !== undefined ? { createdAfter: time(query.created_after) } : {}),
    ...(query.created_before !== undefined ? { createdBefore: time(query.created_before) } : {}),
    ...(query.starting_after !== undefined ? { startingAfter: String(query.starting_after) } : {}),
  };
}

/**
 * The delivery log's rules: listWebhookEvents, getWebhookEvent, redeliverWebhookEvent and
 * sendWebhookTestEvent. The log stays readable after its webhook is deleted; another project's
 * webhook is simply not found; a deleted webhook takes no new work, a disabled one neither.
 */
export function deliveryOperations({ deliveries, publisher, clock, notifier, autoDisableAfterMs, idempotency }: DeliveryOperationsDeps) {
  function loggedWebhook(projectId: string, webhookId: string): WebhookState {
    return deliveries.webhookInProject(projectId, webhookId) ?? throwProblem(webhookNotFound());
  }
  /** A webhook that may take new attempts: live and enabled. */
  function activeWebhook(projectId: string, webhookId: string, action: string): void {
    const webhook = loggedWebhook(projectId, webhookId);
    if (webhook.deleted) throw webhookNotFound();
    if (!webhook.enabled) throw webhookDisabled(action);
  }

  return {
    /** One page, newest first; `starting_after` continues after a delivery of the log (a cursor). */
    list(projectId: string, webhookId: string, filter: DeliveryFilter): DeliveryListEnvelope {
      loggedWebhook(projectId, webhookId);
      const page = deliveries.list(webhookId, filter);
      if (page.kind === 'unknown_cursor') {
        const message = 'Not a delivery of this webhook: start after the id of an item of the previous page.';
        throw new ProblemError('validation_failed', `The request is invalid. starting_after: ${message}`, {
          errors: [{ location: 'query', path: 'starting_after', message, rule: 'unknown_cursor' }],
        });
      }
      return { data: { count: page.count, has_more: page.hasMore, items: page.items.map(presentDelivery), counts_by_status: page.countsByStatus } };
    },

    /** The webhook's health: readable after it is deleted, like its log. */
    stats(projectId: string, webhookId: string): WebhookStats {
      const state = loggedWebhook(projectId, webhookId);
      const now = clock.now();
      const since = statsWindowStart(now);
      return presentWebhookStats({
        webhookId,
        state,
        since,
        now,
        // [since, now]: a delivery created in this very millisecond counts.
        histogram: deliveries.histogram(webhookId, since, now + 1),
        newest: deliveries.newest(webhookId),
        autoDisableAfterMs,
      });
    },

    /** The delivery with its body and its attempts, the latest `attemptsShown` of them at most. */
    get(projectId: string, webhookId: string, deliveryId: string): DeliveryDetail {
      loggedWebhook(projectId, webhookId);
      const row = deliveries.get(webhookId, deliveryId);
      const payload = row && deliveries.payloadOf(row.event_id);
      if (!row || payload === undefined) throw deliveryNotFound();
      return presentDeliveryDetail(row, payload, deliveries.attempts(row.id).slice(-attemptsShown));
    },

    /** With an `Idempotency-Key`, a retry gets the first answer and schedules nothing again. */
    redeliver(projectId: string, webhookId: string, deliveryId: string, idempotencyKey?: string): Answer<RedeliveredDelivery> {
      const keyed = { operation: 'redeliverWebhookEvent', key: idempotencyKey, params: { webhook_id: webhookId, delivery_id: deliveryId } };
      const answer = idempotency.run(projectId, keyed, () => {
        const webhook = loggedWebhook(projectId, webhookId);
        if (webhook.deleted) throw webhookNotFound();
        if (!deliveries.get(webhookId, deliveryId)) throw deliveryNotFound();
        if (!webhook.enabled) throw webhookDisabled('redelivering');
        const result = deliveries.redeliver(webhookId, deliveryId, clock.now());
        if (result.kind === 'not_found') throw deliveryNotFound();
        if (result.kind === 'in_progress') throw new ProblemError('delivery_in_progress', 'This delivery already has an attempt pending or in flight.');
        return { status: 202, body: presentDelivery(result.delivery), webhookId };
      });
      if (!answer.replayed) notifier.notify();
      return answer;
    },

    /** With an `Idempotency-Key`, a retry gets the first answer and queues no second event. */
    sendTest(projectId: string, webhookId: string, request: TestEventRequest, idempotencyKey?: string): Answer<QueuedTestEvent> {
      const keyed = { operation: 'sendWebhookTestEvent', key: idempotencyKey, params: { webhook_id: webhookId }, body: request };
      return idempotency.run(projectId, keyed, () => {
        activeWebhook(projectId, webhookId, 'sending a test event');
        const published = publisher.publishTest({ projectId, webhookId, type: request.event_type as EventType });
        const [delivery] = published.deliveryIds;
        // Disabled or deleted between the check and the insert.
        if (!delivery) throw webhookDisabled('sending a test event');
        // `external_event_id` is the 1.0.0 name of `event_id`; both stay.
        const body: QueuedTestEvent = { external_event_id: published.id, event_id: published.id, event_type: request.event_type, delivery_id: delivery };
        return { status: 202, body, webhookId };
      });
    },
  };
}

export type DeliveryOperations = ReturnType<typeof deliveryOperations>;

function throwProblem(problem: ProblemError): never {
  throw problem;
}
