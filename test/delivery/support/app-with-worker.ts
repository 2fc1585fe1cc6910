import type { DeliveryConfig } from '../../../server/config.js';
import type { DeliveryWorker } from '../../../server/delivery/worker.js';
import type { Resolver } from '../../../server/url-policy/types.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../../support/test-app.js';

/** Refuses every host name: the worker in these tests only ever dials IP literals on loopback. */
export const noDns: Resolver = async (hostname) => {
  throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
};

export type AppWithWorker = TestApp & { worker: DeliveryWorker; deliveryConfig: DeliveryConfig };

/**
 * The test app with its runtime's delivery worker started, as `anchor-webhooks serve` runs it:
 * a fast retry schedule, ANCHOR_ALLOW_PRIVATE_TARGETS on so webhooks can point at loopback
 * receivers, and no DNS at all.
 */
export async function startAppWithWorker(options: TestAppOptions & { delivery?: Partial<DeliveryConfig>; startWorker?: boolean } = {}): Promise<AppWithWorker> {
  const t = await startTestApp({
    resolver: noDns,
    ...options,
    worker: options.startWorker !== false,
    config: { allowPrivateTargets: true, ...options.config, delivery: { retrySchedule: [0, 50, 100], timeoutMs: 2_000, ...options.config?.delivery, ...options.delivery } },
  });
  return Object.assign(t, { worker: t.runtime.worker, deliveryConfig: t.config.delivery });
}
