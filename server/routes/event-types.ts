import type { IRouter } from 'express';
import type { operations } from '../../generated/schema.js';
import type { EventCatalog } from '../delivery/event-catalog.js';

type EventTypeListEnvelope = operations['listWebhookEventTypes']['responses'][200]['content']['application/json'];

/** listWebhookEventTypes: the runtime's event catalog. */
export function eventTypesRoutes(router: IRouter, catalog: Pick<EventCatalog, 'info'>): void {
  const body: EventTypeListEnvelope = { data: { count: catalog.info.length, items: [...catalog.info] } };
  router.get('/v1/webhook-event-types', (_req, res) => {
    res.json(body);
  });
}
