import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { apiKeySecurityHandler, setAuthenticator } from './auth.js';
import { jsonBody } from './body.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { deliveryRouters, type DeliveryAppDeps } from './delivery/routers.js';
import { createHttpLogger } from './logger.js';
import { webhookOperations } from './operations/webhooks.js';
import { notFoundHandler, problemHandler } from './problem.js';
import { rateLimit } from './rate-limit.js';
import { eventTypesRouter } from './routes/event-types.js';
import { dashboardRouter } from './routes/dashboard.js';
import { metaRouter } from './routes/meta.js';
import { webhooksRouter } from './routes/webhooks.js';
import { openDatabase, type Database } from './storage/database.js';
import { loadSecretKey } from './storage/secret-box.js';
import { createStores, type Stores } from './storage/stores.js';
import type { Resolver } from './url-policy/types.js';
import { sharedValidator } from './validator.js';

/** Everything the app needs, passed in so tests control each part. Extend with new fields as features need them. */
export type AppDeps = {
  db: Database;
  clock: Clock;
  /** DNS for the URL rules; tests inject a stub and never touch the network. */
  resolver: Resolver;
  logger: Logger;
  config: Config;
  /**
   * Stores over `db`. Pass them when something else (the delivery worker) shares the
   * database, so both use one secret key; built from `config` when omitted.
   */
  stores?: Stores;
  /** Where `/docs` reads the built Redoc page (tests point it elsewhere). */
  docsFile?: string;
  /** The delivery worker's wake-up and retry schedule; without them, deliveries wait for a worker's next poll. */
  delivery?: DeliveryAppDeps;
};

/** Opens the stores for a database with the configured secret key (ANCHOR_SECRET_KEY or the key file beside it). */
export function openStores(db: Database, clock: Clock, config: Pick<Config, 'dbPath' | 'secretKey'>): Stores {
  const stores = createStores(db, clock, loadSecretKey(config.dbPath, config.secretKey).key);
  if (!stores.secrets.keyOpensStoredSecrets()) {
    throw new Error(
      `The secret key does not open the secrets stored in ${config.dbPath}: set the ANCHOR_SECRET_KEY (or restore the key file) this database was created with.`,
    );
  }
  return stores;
}

/** Opens the database file and its stores together, closing the file again if the key does not fit. */
export function openStorage(clock: Clock, config: Pick<Config, 'dbPath' | 'secretKey'>): { db: Database; stores: Stores } {
  const db = openDatabase(config.dbPath);
  try {
    return { db, stores: openStores(db, clock, config) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The reference server: the spec's management API on Express 5, validated by express-openapi-validator. */
export function createApp(deps: AppDeps): Express {
  const { clock, logger, config } = deps;
  const stores = deps.stores ?? openStores(deps.db, clock, config);
  const validator = sharedValidator(config.validateResponses);
  const ops = webhookOperations({ stores, clock, resolver: deps.resolver, allowPrivateTargets: config.allowPrivateTargets });

  // Routers for the spec's operations, mounted behind authentication and validation.
  // Delivery routes (issue 4: deliveries, events) mount here too.
  const apiRouters: Router[] = [webhooksRouter(ops), eventTypesRouter(), ...deliveryRouters(deps.db, clock, deps.delivery)];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // OpenAPI paths are case-sensitive; the validator follows this setting too.
  app.set('case sensitive routing', true);
  app.locals.stores = stores;
  setAuthenticator(app, apiKeySecurityHandler(stores.projects));

  app.use(createHttpLogger(logger));
  app.use(metaRouter(deps.docsFile ? { docsFile: deps.docsFile } : {}));
  app.use(dashboardRouter()); // /dashboard: the built single-page app (no auth: the page asks for the key)
  app.use(validator.before); // route lookup (404, 405), then anchor-api-key (401)
  app.use(rateLimit({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst, clock })); // 429
  app.use(jsonBody()); // 415, 413, malformed JSON
  app.use(validator.after); // request validation (400), then response validation
  app.use(apiRouters);
  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return app;
}
