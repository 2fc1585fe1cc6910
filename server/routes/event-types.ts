import type { operations } from '../../generated/schema.js';
import type { EventCatalog } from '../delivery/event-catalog.js';
import type { OperationHandlers } from '../http/operation-routes.js';

type EventTypeListEnvelope = operations['listWebhookEventTypes']['responses'][200]['content']['application/json'];

/** listWebhookEventTypes: the runtime's event catalog. */
export function eventTypesHandlers(catalog: Pick<EventCatalog, 'info'>): OperationHandlers<'listWebhookEventTypes'> {
  const body: EventTypeListEnvelope = { data: { count: catalog.info.length, items: [...catalog.info] } };
  return {
    listWebhookEventTypes: (_req, res) => {
      res.json(body);
    },
  };
}
