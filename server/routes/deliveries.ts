import type { IRouter, Request } from 'express';
import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import { deliveryFilterOf, type DeliveryOperations, type TestEventRequest } from '../operations/deliveries.js';

const webhookId = (req: Request) => String(req.params.webhook_id);
const deliveryId = (req: Request) => String(req.params.delivery_id);

/** listWebhookEvents, getWebhookEvent, redeliverWebhookEvent, sendWebhookTestEvent and getWebhookStats. */
export function deliveryRoutes(router: IRouter, ops: DeliveryOperations): void {

  router.get('/v1/webhooks/:webhook_id/events', (req, res) => {
    res.json(ops.list(projectIdOf(res), webhookId(req), deliveryFilterOf(req.query)));
  });

  router.get('/v1/webhooks/:webhook_id/stats', (req, res) => {
    res.json(ops.stats(projectIdOf(res), webhookId(req)));
  });

  router.get('/v1/webhooks/:webhook_id/events/:delivery_id', (req, res) => {
    res.json(ops.get(projectIdOf(res), webhookId(req), deliveryId(req)));
  });

  router.post('/v1/webhooks/:webhook_id/events/:delivery_id/redeliver', (req, res) => {
    sendAnswer(res, ops.redeliver(projectIdOf(res), webhookId(req), deliveryId(req), idempotencyKeyOf(req)));
  });

  router.post('/v1/webhooks/:webhook_id/test', (req, res) => {
    sendAnswer(res, ops.sendTest(projectIdOf(res), webhookId(req), req.body as TestEventRequest, idempotencyKeyOf(req)));
  });

}
