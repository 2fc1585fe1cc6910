import { createServer, type Server, type ServerOptions } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp, openStorage, type AppDeps } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { loadDeliveryConfig } from '../delivery/config.js';
import { deliveryService } from '../delivery/service.js';
import { createLogger } from '../logger.js';
import type { Database } from '../storage/database.js';
import type { Stores } from '../storage/stores.js';
import { systemResolver } from '../url-policy/index.js';
import type { Resolver } from '../url-policy/types.js';
import { warmUpValidator } from '../warm-up.js';

/** What a service running beside the HTTP server (e.g. the delivery worker) gets. */
export type ServerContext = { db: Database; stores: Stores; clock: Clock; logger: Logger; config: Config; resolver: Resolver };

/** Runs for the server's lifetime: started before it listens, stopped after HTTP has drained and before the database closes. */
export type Service = { stop(): Promise<void> | void };
export type ServiceFactory = (context: ServerContext) => Service | Promise<Service>;

export type StartOptions = {
  logger?: Logger;
  clock?: Clock;
  resolver?: Resolver;
  /** Extra services such as the delivery worker. */
  services?: ServiceFactory[];
  /** How the app wakes the delivery worker (see `deliveryService`). */
  delivery?: AppDeps['delivery'];
  /** Where the start-up banner goes (the API key is printed once, never logged). */
  print?: (text: string) => void;
};

export type RunningServer = {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  server: Server;
  app: Express;
  context: ServerContext;
  /** Stops accepting connections, lets in-flight requests finish, stops services, closes the database. Idempotent. */
  close(): Promise<void>;
};

/** How long in-flight requests get on shutdown before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

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

/** Opens the database, makes sure a project and key exist, and starts listening. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // Milliseconds since the process started: what loading the modules cost, in a CLI start.
  const startedAt = performance.now();
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const resolver = options.resolver ?? systemResolver;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));

  const { db, stores } = openStorage(clock, config);
  const credentials = ensureCredentials(stores, config);
  const context: ServerContext = { db, stores, clock, logger, config, resolver };

  const warmUp = warmUpValidator(config.validateResponses);
  const services: Service[] = [];
  for (const factory of options.services ?? []) services.push(await factory(context));
  const app = createApp({ db, clock, resolver, logger, config, stores, ...(options.delivery ? { delivery: options.delivery } : {}) });
  await warmUp;
  const warmAt = performance.now();

  const server = createServer(httpServerOptions(config), app).listen(config.port, config.host);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  print(banner(url, credentials, config));
  if (config.allowPrivateTargets) {
    logger.warn('ANCHOR_ALLOW_PRIVATE_TARGETS is on: http: and loopback/private webhook URLs are accepted. For local testing only.');
  }
  const listeningAt = performance.now();
  const startup = { sinceProcessStartMs: Math.round(listeningAt), beforeStartMs: Math.round(startedAt), warmUpMs: Math.round(warmAt - startedAt), listenMs: Math.round(listeningAt - warmAt) };
  logger.info({ url, db: config.dbPath, startup }, 'listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(force);
      for (const service of services.reverse()) await service.stop();
      db.close();
      logger.info('stopped');
    })());

  return { url, server, app, context, close };
}

type Credentials = { projectId: string; apiKey?: string; source: 'created' | 'env' | 'existing' };

/** First start on an empty database: a default project and a key, printed once. ANCHOR_API_KEY: that key, for the default project. */
export function ensureCredentials(stores: Stores, config: Pick<Config, 'apiKey'>): Credentials {
  return stores.transaction(() => {
    const existing = stores.projects.defaultProjectId();
    const projectId = existing ?? stores.projects.create({ name: 'Default project' });
    if (config.apiKey) {
      if (!stores.projects.projectIdForKey(config.apiKey)) stores.projects.addApiKey(projectId, config.apiKey);
      return { projectId: stores.projects.projectIdForKey(config.apiKey)!, source: 'env' };
    }
    if (!existing) return { projectId, apiKey: stores.projects.createApiKey(projectId), source: 'created' };
    return { projectId, source: 'existing' };
  });
}

function banner(url: string, credentials: Credentials, config: Config): string {
  const key =
    credentials.source === 'created'
      ? `${credentials.apiKey}\n             (shown once: only its hash is stored. Export it: export ANCHOR_API_KEY=${credentials.apiKey})`
      : credentials.source === 'env'
        ? '(from ANCHOR_API_KEY)'
        : '(not shown: only its hash is stored; `anchor-webhooks keys create` mints a new one)';
  return [
    'Anchor Webhooks reference server',
    `  API:       ${url}`,
    `  Docs:      ${url}/docs`,
    `  Dashboard: ${url}/dashboard`,
    `  Spec:      ${url}/openapi.json`,
    `  Project:   ${credentials.projectId}`,
    `  API key:   ${key}`,
    `  Database:  ${config.dbPath}`,
    ...(config.allowPrivateTargets ? ['  WARNING:   ANCHOR_ALLOW_PRIVATE_TARGETS is on: http: and private/loopback targets are allowed. Local testing only.'] : []),
  ].join('\n');
}

/** `anchor-webhooks serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function run(_args: string[]): Promise<number> {
  let config: Config;
  let delivery: ReturnType<typeof deliveryService>;
  try {
    config = loadConfig();
    delivery = deliveryService(loadDeliveryConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // Listening for signals before the banner is printed: a SIGTERM sent as soon as it appears
  // still shuts down gracefully instead of killing the process.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  let running: RunningServer;
  try {
    running = await startServer(config, { services: [delivery.factory], delivery: delivery.appDeps });
  } catch (error) {
    process.stderr.write(`Could not start: ${(error as Error).message}\n`);
    return 1;
  }
  running.context.logger.info({ signal: await signal }, 'shutting down');
  await running.close();
  return 0;
}
