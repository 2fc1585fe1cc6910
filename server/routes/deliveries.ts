import type { Request } from 'express';
import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import type { OperationHandlers } from '../http/operation-routes.js';
import { deliveryFilterOf, type DeliveryOperations, type TestEventRequest } from '../operations/deliveries.js';

const webhookId = (req: Request) => String(req.params.webhook_id);
const deliveryId = (req: Request) => String(req.params.delivery_id);

type DeliveryOperationId = 'listWebhookEvents' | 'getWebhookStats' | 'getWebhookEvent' | 'redeliverWebhookEvent' | 'sendWebhookTestEvent';

/** listWebhookEvents, getWebhookEvent, redeliverWebhookEvent, sendWebhookTestEvent and getWebhookStats. */
export function deliveryHandlers(ops: DeliveryOperations): OperationHandlers<DeliveryOperationId> {
  return {
    listWebhookEvents: (req, res) => {
      res.json(ops.list(projectIdOf(res), webhookId(req), deliveryFilterOf(req.query)));
    },
    getWebhookStats: (req, res) => {
      res.json(ops.stats(projectIdOf(res), webhookId(req)));
    },
    getWebhookEvent: (req, res) => {
      res.json(ops.get(projectIdOf(res), webhookId(req), deliveryId(req)));
    },
    redeliverWebhookEvent: (req, res) => {
      sendAnswer(res, ops.redeliver(projectIdOf(res), webhookId(req), deliveryId(req), idempotencyKeyOf(req)));
    },
    sendWebhookTestEvent: (req, res) => {
      sendAnswer(res, ops.sendTest(projectIdOf(res), webhookId(req), req.body as TestEventRequest, idempotencyKeyOf(req)));
    },
  };
}
