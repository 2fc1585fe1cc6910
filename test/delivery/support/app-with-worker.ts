import pino from 'pino';
import { loadDeliveryConfig, type DeliveryConfig } from '../../../server/delivery/config.js';
import { createDeliveryAgent } from '../../../server/delivery/target-guard.js';
import { createDeliveryWorker, type DeliveryWorker } from '../../../server/delivery/worker.js';
import { createDeliveryStore } from '../../../server/storage/deliveries.js';
import type { Resolver } from '../../../server/url-policy/types.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../../support/test-app.js';

/** Refuses every host name: the worker in these tests only ever dials IP literals on loopback. */
const noDns: Resolver = async (hostname) => {
  throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
};

export type AppWithWorker = TestApp & { worker: DeliveryWorker; deliveryConfig: DeliveryConfig };

/**
 * The test app (createApp, contract-checked clients) plus a delivery worker on the same database
 * and clock, woken by the app on every publish, as `anchor-webhooks serve` wires them.
 * ANCHOR_ALLOW_PRIVATE_TARGETS is on so webhooks can point at loopback receivers.
 */
export async function startAppWithWorker(options: TestAppOptions & { delivery?: Partial<DeliveryConfig>; startWorker?: boolean } = {}): Promise<AppWithWorker> {
  const deliveryConfig = loadDeliveryConfig({}, { retrySchedule: [0, 50, 100], timeoutMs: 2_000, ...options.delivery });
  let worker: DeliveryWorker | undefined;
  const t = await startTestApp({
    ...options,
    config: { allowPrivateTargets: true, ...options.config },
    deps: { delivery: { notifier: { notify: () => worker?.notify() }, retrySchedule: deliveryConfig.retrySchedule }, ...options.deps },
  });
  const dispatcher = createDeliveryAgent({ allowPrivateTargets: t.config.allowPrivateTargets, resolver: noDns });
  worker = createDeliveryWorker({
    deliveries: createDeliveryStore(t.db),
    secrets: t.stores.secrets,
    clock: t.clock,
    logger: pino({ level: 'silent' }),
    config: { ...deliveryConfig, allowPrivateTargets: t.config.allowPrivateTargets },
    dispatcher,
  });
  if (options.startWorker !== false) worker.start();
  const started = worker;
  const closeApp = t.close.bind(t);
  return Object.assign(t, {
    worker: started,
    deliveryConfig,
    async close() {
      await started.stop();
      await dispatcher.close();
      await closeApp();
    },
  });
}
