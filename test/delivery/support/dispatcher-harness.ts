import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadDeliveryConfig, type DeliveryConfig } from '../../../server/delivery/config.js';
import { createEventCatalog, type EventType } from '../../../server/delivery/event-catalog.js';
import { createPublisher } from '../../../server/delivery/publish.js';
import { createDeliveryAgent } from '../../../server/delivery/target-guard.js';
import { createDeliveryWorker } from '../../../server/delivery/worker.js';
import type { Clock } from '../../../server/clock.js';
import { openDatabase } from '../../../server/storage/database.js';
import { createDeliveryStore, type DeliveryStatus } from '../../../server/storage/deliveries.js';
import { createEventStore } from '../../../server/storage/events.js';
import { createStores } from '../../../server/storage/stores.js';
import type { Resolver } from '../../../server/url-policy/types.js';

const catalog = createEventCatalog();

export type HarnessOptions = {
  clock?: Clock;
  allowPrivateTargets?: boolean;
  /** Stub DNS; the default refuses every name so no test can reach a real resolver. */
  resolver?: Resolver;
  delivery?: Partial<DeliveryConfig>;
};

const noDns: Resolver = async (hostname) => {
  throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
};

/**
 * The dispatcher without the HTTP API: a `:memory:` database with the real stores, publisher,
 * undici agent and worker. Webhooks are created through the management store as the API would.
 */
export function startDispatcher(options: HarnessOptions = {}) {
  const clock = options.clock ?? { now: () => Date.now() };
  const db = openDatabase(':memory:');
  const stores = createStores(db, clock, randomBytes(32));
  const projectId = stores.projects.create({ name: 'test' });
  const deliveries = createDeliveryStore(db);
  const config = { ...loadDeliveryConfig({}, { retrySchedule: [0, 50, 100], timeoutMs: 2_000, ...options.delivery }), allowPrivateTargets: options.allowPrivateTargets ?? true };
  const dispatcher = createDeliveryAgent({ allowPrivateTargets: config.allowPrivateTargets, resolver: options.resolver ?? noDns });
  const logger = pino({ level: 'silent' });
  const worker = createDeliveryWorker({ deliveries, secrets: stores.secrets, clock, logger, config, dispatcher });
  const publisher = createPublisher({ events: createEventStore(db), catalog, clock, retrySchedule: config.retrySchedule, notifier: worker });
  worker.start();

  return {
    db,
    stores,
    deliveries,
    projectId,
    worker,
    publisher,
    config,
    createWebhook(url: string, events: EventType[] = ['task.completed']) {
      const created = stores.webhooks.create(projectId, { url, subscribed_events: events, description: null }, clock.now(), 5);
      if (!created) throw new Error('webhook limit');
      return { id: created.webhook.id, secret: created.secret };
    },
    publish(type: EventType = 'task.completed', data?: Record<string, unknown>) {
      return publisher.publish({ projectId, type, ...(data ? { data } : {}) });
    },
    /** Polls the delivery log until the delivery reaches `status` (the worker runs on real timers). */
    async waitForStatus(webhookId: string, deliveryId: string, status: DeliveryStatus | DeliveryStatus[], timeoutMs = 10_000) {
      const wanted = Array.isArray(status) ? status : [status];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = deliveries.get(webhookId, deliveryId);
        if (row && wanted.includes(row.status)) return row;
        if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} is ${row?.status}, not ${wanted.join('/')}, after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    attempts: (deliveryId: string) => deliveries.attempts(deliveryId),
    async close() {
      await worker.stop();
      await dispatcher.close();
      db.close();
    },
  };
}

export type Harness = ReturnType<typeof startDispatcher>;
