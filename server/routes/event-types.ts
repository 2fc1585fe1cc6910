import { Router } from 'express';
import type { operations } from '../../generated/schema.js';
import { eventCatalog } from '../spec.js';

type EventTypeListEnvelope = operations['listWebhookEventTypes']['responses'][200]['content']['application/json'];

/** listWebhookEventTypes: the catalog, read from the spec's `webhooks` object. */
export function eventTypesRouter(): Router {
  const router = Router();
  const body: EventTypeListEnvelope = { data: { count: eventCatalog.length, items: [...eventCatalog] } };
  router.get('/v1/webhook-event-types', (_req, res) => {
    res.json(body);
  });
  return router;
}
