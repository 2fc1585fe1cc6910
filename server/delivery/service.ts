import type { ServiceFactory } from '../commands/serve.js';
import { createDeliveryStore } from '../storage/deliveries.js';
import type { DeliveryConfig } from './config.js';
import { startBackgroundCheckpoints } from './checkpointer.js';
import { sharedEventCatalog, type DeliveryAppDeps } from './routers.js';
import { createDeliveryAgent } from './target-guard.js';
import { createDeliveryWorker, type DeliveryWorker } from './worker.js';

/**
 * The delivery worker as a service of the reference server: started before it listens, and on
 * shutdown it stops claiming and lets the attempts under way finish (each bounded by the
 * timeout) before the database closes. `appDeps` lets the app wake it on every publish.
 */
export function deliveryService(config: DeliveryConfig): { factory: ServiceFactory; appDeps: DeliveryAppDeps } {
  let worker: DeliveryWorker | undefined;
  const factory: ServiceFactory = (context) => {
    sharedEventCatalog().warmUp();
    const allowPrivateTargets = context.config.allowPrivateTargets;
    const dispatcher = createDeliveryAgent({ allowPrivateTargets, resolver: context.resolver });
    const logger = context.logger.child({ component: 'delivery' });
    // The worker commits many times a second: its WAL checkpoints run on a thread of their own.
    const checkpointer = startBackgroundCheckpoints(context.db, { logger });
    const started = createDeliveryWorker({
      deliveries: createDeliveryStore(context.db),
      secrets: context.stores.secrets,
      clock: context.clock,
      logger,
      config: { ...config, allowPrivateTargets },
      dispatcher,
    });
    worker = started;
    started.start();
    return {
      async stop() {
        await started.stop();
        await dispatcher.close();
        await checkpointer.stop();
      },
    };
  };
  const notifier = { notify: () => worker?.notify(), published: (payload: string, ids: readonly string[]) => worker?.published?.(payload, ids) };
  return { factory, appDeps: { notifier, retrySchedule: config.retrySchedule } };
}
