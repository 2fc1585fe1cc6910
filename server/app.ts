import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { EventCatalog } from './delivery/event-catalog.js';
import { accessLog } from './http/access-log.js';
import { jsonBody } from './http/body.js';
import { notFoundHandler, problemHandler } from './http/problem-handler.js';
import { strictQueryIntegers } from './http/query.js';
import { authFailureLimit, rateLimit } from './http/rate-limit.js';
import { responseHeaders } from './http/response-headers.js';
import type { Validator } from './http/validator.js';
import type { DeliveryOperations } from './operations/deliveries.js';
import type { EventOperations } from './operations/events.js';
import type { WebhookOperations } from './operations/webhooks.js';
import { dispatchOperations, type OperationHandlers } from './http/operation-routes.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deliveryHandlers } from './routes/deliveries.js';
import { eventTypesHandlers } from './routes/event-types.js';
import { eventHandlers } from './routes/events.js';
import { metaRoutes, type MetaDeps } from './routes/meta.js';
import { webhookHandlers } from './routes/webhooks.js';

/** What the app mounts; the runtime builds each part. */
export type AppParts = {
  logger: Logger;
  clock: Clock;
  config: Pick<Config, 'rateLimitPerSecond' | 'rateLimitBurst' | 'authFailurePerSecond' | 'authFailureBurst'>;
  validator: Validator;
  operations: { webhooks: WebhookOperations; deliveries: DeliveryOperations; events: EventOperations };
  catalog: Pick<EventCatalog, 'info'>;
  meta: MetaDeps;
  /** The built dashboard (server/dist/dashboard-app). */
  dashboardDir: string;
};

/** Where the spec's operations live: nothing else the app serves is under it. */
const API_PREFIX = '/v1/';

/**
 * The reference server's HTTP surface on Express 5: the spec's operations behind
 * express-openapi-validator, plus the docs, spec and dashboard routes. It only mounts. An API
 * request is routed once, by the validator; the site's routes (docs, spec, dashboard) sit behind
 * one check of the path, so an API request never tries them; and a layer that would do nothing
 * (a silent access log, rate limiting off) is not registered.
 */
export function createApp(parts: AppParts): Express {
  const { validator, operations } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // OpenAPI paths are case-sensitive; the validator follows this setting too.
  app.set('case sensitive routing', true);

  app.use(responseHeaders()); // Request-Id, nosniff; no-store on /v1
  const log = accessLog(parts.logger);
  if (log) app.use(log);
  const site = express.Router({ caseSensitive: true });
  metaRoutes(site, parts.meta);
  dashboardRoutes(site, { dir: parts.dashboardDir }); // no auth: the page asks for the key
  app.use((req, res, next) => (req.path.startsWith(API_PREFIX) ? next() : site(req, res, next)));
  app.use(validator.before); // route lookup (404, 405), then anchor-api-key (401)
  const failures = authFailureLimit({ perSecond: parts.config.authFailurePerSecond, burst: parts.config.authFailureBurst, clock: parts.clock });
  if (failures) app.use(failures); // 401s per address; 429 once the address has none left
  const limit = rateLimit({ perSecond: parts.config.rateLimitPerSecond, burst: parts.config.rateLimitBurst, clock: parts.clock });
  if (limit) app.use(limit); // 429; RateLimit headers
  app.use(jsonBody()); // 415, 413, malformed JSON
  app.use(strictQueryIntegers()); // 400 for query integers not in decimal digits (1e2, 0x10)
  app.use(validator.after); // request validation (400), then response validation
  // Every operation in the spec has its handler here (the type says so).
  const handlers: OperationHandlers = {
    ...webhookHandlers(operations.webhooks),
    ...eventTypesHandlers(parts.catalog),
    ...deliveryHandlers(operations.deliveries),
    ...eventHandlers(operations.events),
  };
  app.use(dispatchOperations(handlers));
  app.use(notFoundHandler);
  app.use(problemHandler(parts.logger));
  return app;
}
