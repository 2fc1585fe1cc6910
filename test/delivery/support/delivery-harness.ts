import type { Clock } from '../../../server/clock.js';
import { defaultConfig, type DeliveryConfig } from '../../../server/config.js';
import type { EventType } from '../../../server/delivery/event-catalog.js';
import { createLogger } from '../../../server/logger.js';
import { createRuntime, type RuntimeOverrides } from '../../../server/runtime.js';
import type { DeliveryStatus } from '../../../server/storage/deliveries.js';
import type { Resolver } from '../../../server/url-policy/types.js';
import { noDns } from './app-with-worker.js';

export type HarnessOptions = {
  clock?: Clock;
  allowPrivateTargets?: boolean;
  /** Stub DNS; the default refuses every name so no test can reach a real resolver. */
  resolver?: Resolver;
  delivery?: Partial<DeliveryConfig>;
  overrides?: Omit<RuntimeOverrides, 'clock' | 'resolver'>;
};

/**
 * A runtime without HTTP: a `:memory:` database with the real stores, publisher, delivery agent
 * and worker, started. Webhooks are created through the store as the API would.
 */
export function startDeliveryHarness(options: HarnessOptions = {}) {
  const clock = options.clock ?? { now: () => Date.now() };
  const runtime = createRuntime(
    defaultConfig({
      dbPath: ':memory:',
      allowPrivateTargets: options.allowPrivateTargets ?? true,
      delivery: { retrySchedule: [0, 50, 100], timeoutMs: 2_000, ...options.delivery },
    }),
    { clock, resolver: options.resolver ?? noDns, logger: createLogger({ level: 'silent' }), ...options.overrides },
  );
  const { stores, worker, publisher, config } = runtime;
  const { deliveries } = stores;
  const projectId = stores.projects.create({ name: 'test' });
  runtime.start();

  return {
    runtime,
    db: stores.db,
    stores,
    deliveries,
    projectId,
    worker,
    publisher,
    config: { ...config.delivery, allowPrivateTargets: config.allowPrivateTargets },
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
    close: () => runtime.close({ drainTimeoutMs: 0 }),
  };
}

export type Harness = ReturnType<typeof startDeliveryHarness>;
