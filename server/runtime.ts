import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp, type AppParts } from './app.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createDeliveryAgent, createPreflight } from './delivery/agent.js';
import { startBackgroundCheckpoints, type Checkpointer } from './delivery/checkpointer.js';
import { createEventCatalog, type EventCatalog } from './delivery/event-catalog.js';
import { createPublisher, type Publisher } from './delivery/publish.js';
import { createDeliveryWorker, systemTimers, type DeliveryWorker, type SendAttempt, type Timers } from './delivery/worker.js';
import { apiKeySecurityHandler } from './http/auth.js';
import { createValidator } from './http/validator.js';
import { createLogger } from './logger.js';
import { deliveryOperations } from './operations/deliveries.js';
import { eventOperations } from './operations/events.js';
import { idempotency } from './operations/idempotency.js';
import { webhookOperations } from './operations/webhooks.js';
import { DASHBOARD_DIR, DOCS_FILE } from './paths.js';
import { readSpec, SPEC_FILES } from './spec.js';
import { createIdSource, type IdSource } from './storage/ids.js';
import { openStorage, type Stores } from './storage/stores.js';
import { systemResolver, type Resolver } from './url-policy/index.js';

/** What a caller may replace; everything else is built from the config. Tests pass fakes here. */
export type RuntimeOverrides = {
  clock?: Clock;
  /** DNS for the URL rules and the delivery agent; tests stub it and never touch the network. */
  resolver?: Resolver;
  logger?: Logger;
  /** The delivery worker's sleeps. */
  timers?: Timers;
  /** One HTTP attempt of a delivery. */
  send?: SendAttempt;
  ids?: IdSource;
  docsFile?: string;
  dashboardDir?: string;
  /** Wraps the operations the routes call, e.g. to make a handler misbehave in a negative control. */
  wrapOperations?: (operations: AppParts['operations']) => AppParts['operations'];
};

export type Listening = { url: string; server: Server };

export type Runtime = {
  config: Config;
  clock: Clock;
  logger: Logger;
  stores: Stores;
  catalog: EventCatalog;
  publisher: Publisher;
  worker: DeliveryWorker;
  /** The Express app, built on first use (`trigger` never needs it). */
  readonly app: Express;
  /** Starts the delivery worker and its background WAL checkpoints. Idempotent. */
  start(): void;
  /**
   * Serves the app on `config.port`/`config.host` (or those given); one server per runtime.
   * `handler` wraps the app (the tests' coverage recorder does).
   */
  listen(at?: { port?: number; host?: string; handler?: RequestListener }): Promise<Listening>;
  /**
   * Stops accepting connections and lets in-flight requests finish (at most `drainTimeoutMs`),
   * stops the worker (its attempts under way finish), then closes the database. Idempotent.
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
};

/** How long in-flight requests get on shutdown before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The one composition root. It builds, in one direction: the database and every store, the
 * event catalog, the publisher, the delivery worker with its agent (and, on `start`, its
 * checkpoint thread), and the Express app, which only mounts routes. `serve`, `trigger`, the
 * tests, the benchmarks and embedders all build their world here.
 */
export function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Runtime {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const resolver = overrides.resolver ?? systemResolver;
  const ids = overrides.ids ?? createIdSource();
  const stores = openStorage(clock, config, ids);
  const { db } = stores;

  let catalog: EventCatalog;
  try {
    catalog = createEventCatalog(readSpec('full'));
  } catch (error) {
    db.close();
    throw error;
  }
  const deliveryLogger = logger.child({ component: 'delivery' });
  const agent = createDeliveryAgent({ allowPrivateTargets: config.allowPrivateTargets, resolver, connectionsPerWebhook: config.delivery.perWebhookConcurrency });
  const worker = createDeliveryWorker({
    deliveries: stores.deliveries,
    secrets: stores.secrets,
    clock,
    logger: deliveryLogger,
    config: config.delivery,
    agent,
    preflight: createPreflight(config.allowPrivateTargets),
    timers: overrides.timers ?? systemTimers,
    ...(overrides.send ? { send: overrides.send } : {}),
  });
  const publisher = createPublisher({ events: stores.events, catalog, clock, retrySchedule: config.delivery.retrySchedule, ids, notifier: worker });

  const operations = (): AppParts['operations'] => {
    const keyed = idempotency({ stores, clock });
    return {
      webhooks: webhookOperations({ stores, clock, resolver, allowPrivateTargets: config.allowPrivateTargets, idempotency: keyed }),
      deliveries: deliveryOperations({ deliveries: stores.deliveries, publisher, clock, notifier: worker, autoDisableAfterMs: config.delivery.autoDisableAfterMs, idempotency: keyed }),
      events: eventOperations({ publisher, idempotency: keyed }),
    };
  };

  let app: Express | undefined;
  const buildApp = (): Express =>
    createApp({
      logger,
      clock,
      config,
      validator: createValidator({ apiDoc: readSpec('validation'), authenticate: apiKeySecurityHandler(stores.projects), validateResponses: config.validateResponses }),
      operations: (overrides.wrapOperations ?? ((built) => built))(operations()),
      catalog,
      meta: { publicSpec: readFileSync(SPEC_FILES.public, 'utf8'), publicSpec30: readFileSync(SPEC_FILES.public30, 'utf8'), docsFile: overrides.docsFile ?? DOCS_FILE },
      dashboardDir: overrides.dashboardDir ?? DASHBOARD_DIR,
    });

  let checkpointer: Checkpointer | undefined;
  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  const runtime: Runtime = {
    config,
    clock,
    logger,
    stores,
    catalog,
    publisher,
    worker,
    get app() {
      return (app ??= buildApp());
    },
    start() {
      if (checkpointer || closing) return;
      // The worker commits many times a second: its WAL checkpoints run on a thread of their own.
      checkpointer = startBackgroundCheckpoints(db, { logger: deliveryLogger });
      worker.start();
    },
    async listen(at = {}) {
      if (server) throw new Error('this runtime already listens');
      const candidate = createServer(httpServerOptions(config), at.handler ?? runtime.app);
      candidate.keepAliveTimeout = 5_000;
      const host = at.host ?? config.host;
      await new Promise<void>((resolve, reject) => {
        candidate.once('error', reject);
        candidate.listen(at.port ?? config.port, host, () => {
          candidate.off('error', reject);
          resolve();
        });
      });
      server = candidate;
      const { port } = candidate.address() as AddressInfo;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, server: candidate };
    },
    close({ drainTimeoutMs = DRAIN_TIMEOUT_MS } = {}) {
      return (closing ??= (async () => {
        if (server) {
          const open = server;
          const drained = new Promise<void>((resolve) => open.close(() => resolve()));
          open.closeIdleConnections();
          const force = setTimeout(() => open.closeAllConnections(), drainTimeoutMs);
          await drained;
          clearTimeout(force);
        }
        await worker.stop();
        await agent.close();
        await checkpointer?.stop();
        db.close();
      })());
    },
  };
  return runtime;
}

/**
 * Slow clients (slowloris: headers or a body dripping in) are answered 408 and cut off after
 * the timeouts. Node only looks every `connectionsCheckingInterval` (30 s by default), so the
 * interval follows the timeout.
 */
export function httpServerOptions(config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs'>): ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
  };
}
