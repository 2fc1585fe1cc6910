import type { Router } from 'express';
import type { Clock } from '../clock.js';
import { deliveriesRouter } from '../routes/deliveries.js';
import { eventsRouter } from '../routes/events.js';
import type { Database } from '../storage/database.js';
import { createDeliveryStore } from '../storage/deliveries.js';
import { createEventStore } from '../storage/events.js';
import { createEventCatalog, type EventCatalog } from './event-catalog.js';
import { createPublisher } from './publish.js';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from './retry-schedule.js';
import type { DeliveryNotifier } from './worker.js';

/** What the app needs from the dispatcher: how to wake it, and when a first attempt is due. */
export type DeliveryAppDeps = { notifier?: DeliveryNotifier; retrySchedule?: RetrySchedule };

let catalog: EventCatalog | undefined;
/** One catalog per process: its Ajv validators are compiled once and shared by every app. */
export const sharedEventCatalog = (): EventCatalog => (catalog ??= createEventCatalog());

/** The delivery log, test-event and publish routers for `createApp`. */
export function deliveryRouters(db: Database, clock: Clock, deps: DeliveryAppDeps = {}): Router[] {
  const deliveries = createDeliveryStore(db);
  const publisher = createPublisher({
    events: createEventStore(db),
    catalog: sharedEventCatalog(),
    clock,
    retrySchedule: deps.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    ...(deps.notifier ? { notifier: deps.notifier } : {}),
  });
  return [
    deliveriesRouter({ deliveries, publisher, clock, ...(deps.notifier ? { notifier: deps.notifier } : {}) }),
    eventsRouter({ publisher }),
  ];
}
