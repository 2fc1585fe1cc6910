import { createAnchorClient, throwOnError, type AnchorClient, type WebhookEventOf, type WebhookEventType } from '@anchor-webhooks/client';
import type { components, operations } from '../generated/schema.js';
import type { Clock } from './clock.js';
import { defaultConfig, parseApiKey, type Config, type ConfigOverrides } from './config.js';
import { parseRetrySchedule, type RetrySchedule } from './durations.js';
import { presentDeliveryDetail } from './operations/present.js';
import { createRuntime, type RuntimeOverrides } from './runtime.js';
import type { DeliveryRow } from './storage/deliveries.js';
import type { Resolver } from './url-policy/types.js';

export type DeliveryStatus = components['schemas']['DeliveryStatus'];
/** A delivery as `GET /v1/webhooks/{id}/events/{delivery_id}` shows it: the body sent and every attempt. */
export type DeliveryDetail = components['schemas']['WebhookDeliveryDetail'];
/** What `POST /v1/events` answers: the event's id and how many deliveries it made. */
export type PublishedEvent = operations['publishEvent']['responses'][202]['content']['application/json'];

export type ReferenceServerOptions = {
  /** TCP port. Default 0: a free port, read back from `url`. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** SQLite file. Default `:memory:`: nothing outlives `close()`. A file gets its key file beside it. */
  dbPath?: string;
  /** Accept `http:` and loopback/private webhook URLs. Default true: local receivers are the point. */
  allowPrivateTargets?: boolean;
  /**
   * The delay before each attempt of a delivery, the first included; its length is the number
   * of attempts. Milliseconds, or durations as `ANCHOR_RETRY_SCHEDULE` takes them (`'0,100ms,1s'`).
   * Default `[0, 100, 500, 2000]`: four attempts, dead after about 2.6 s.
   */
  retrySchedule?: readonly number[] | string;
  /** One attempt, connect to last byte read. Default 5000 ms. */
  deliveryTimeoutMs?: number;
  /**
   * The fresh project's API key (16 to 256 visible ASCII characters). Default: a new random key.
   * With a file `dbPath` that already holds this key, its project is used again, data and all.
   */
  apiKey?: string;
  /** The server's JSON logs (pino) on stdout. Default `silent`. */
  logLevel?: Config['logLevel'];
  /**
   * The wall clock for everything the server stores, schedules and signs (`Anchor-Timestamp`).
   * The worker still waits on real timers, so a clock you move lets retries fall due at once.
   */
  clock?: Clock;
  /** DNS for the URL rules and for delivery (tests stub it). Default: the system's resolver. */
  resolver?: Resolver;
  /**
   * Any other setting of the server (its README lists them with their variables), e.g.
   * `{ rateLimitPerSecond: 5 }` (off by default here, as is the throttle of failed authentications,
   * `authFailurePerSecond`) or `{ delivery: { concurrency: 1 } }`.
   * The options above win over the same fields here.
   */
  config?: ConfigOverrides;
};

/** Which deliveries `waitForDelivery` watches, and for what. Every field given must match. */
export type DeliveryQuery = {
  webhookId?: string;
  /** The event `id` (`publish` answers it; the delivery body carries it). */
  eventId?: string;
  deliveryId?: string;
  eventType?: WebhookEventType;
  /** The status to wait for, or any of several. Default `succeeded`. */
  status?: DeliveryStatus | readonly DeliveryStatus[];
  /** Default 4000 ms: below vitest's 5 s test timeout, so the error says what was delivered. */
  timeoutMs?: number;
};

export type ReferenceServer = {
  /** The API's base URL, e.g. `http://127.0.0.1:53122` (also `/docs`, `/dashboard`, `/openapi.json`). */
  url: string;
  /** The fresh project's API key (`anchor-api-key`). */
  apiKey: string;
  projectId: string;
  /** A typed client for `url` with `apiKey`. */
  client: AnchorClient;
  /**
   * Publishes an event to the project's subscribed webhooks through `POST /v1/events`, with its
   * validation: `data` must match the type's payload schema (the type's example when absent).
   * Rejects with the API's error (`AnchorApiError`, e.g. `validation_failed` with `errors`).
   */
  publish<T extends WebhookEventType>(type: T, data?: WebhookEventOf<T>['data'], options?: { text?: string }): Promise<PublishedEvent>;
  /** The delivery log of the project, or of one of its webhooks: oldest first, with attempts and bodies. */
  deliveries(webhookId?: string): Promise<DeliveryDetail[]>;
  /**
   * Resolves with the first delivery matching `query` that has (or reaches) the status wanted.
   * Rejects at once when a delivery asked for by `eventId` or `deliveryId` ends (`succeeded`,
   * `dead`) in another status, and after `timeoutMs` otherwise; the error lists what matched.
   */
  waitForDelivery(query?: DeliveryQuery): Promise<DeliveryDetail>;
  /** Stops the server, the delivery worker and its thread, and closes the database. Idempotent. */
  close(): Promise<void>;
};

/** Four attempts over about 2.6 s: a test sees retries, and a dead delivery, quickly. */
const EMBEDDED_RETRY_SCHEDULE: RetrySchedule = [0, 100, 500, 2_000];
const EMBEDDED_DELIVERY_TIMEOUT_MS = 5_000;
const WAIT_TIMEOUT_MS = 4_000;
/** How often a wait reads the delivery log: an in-process SQLite read, not an HTTP request. */
const WAIT_POLL_MS = 10;
/** Requests in flight at `close()` get this long before their connections are cut. */
const CLOSE_DRAIN_MS = 1_000;
const ENDED: ReadonlySet<DeliveryStatus> = new Set(['succeeded', 'dead']);

/**
 * The reference server in your own process, for your tests: the runtime `anchor-webhooks serve`
 * builds, listening on a free loopback port, with an in-memory database, a fresh project and key,
 * loopback receivers allowed and a fast retry schedule.
 *
 *   const anchor = await startReferenceServer();
 *   await anchor.client.POST('/v1/webhooks', { body: { url: receiverUrl, subscribed_events: ['task.completed'] } });
 *   const { id } = await anchor.publish('task.completed');
 *   await anchor.waitForDelivery({ eventId: id });
 *   await anchor.close();
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const config = embeddedConfig(options);
  const wantedKey = options.apiKey ?? options.config?.apiKey;
  const apiKeyWanted = wantedKey === undefined ? undefined : checked('apiKey', () => parseApiKey(wantedKey));
  const overrides: RuntimeOverrides = { ...(options.clock ? { clock: options.clock } : {}), ...(options.resolver ? { resolver: options.resolver } : {}) };
  const runtime = createRuntime(config, overrides);
  const { stores } = runtime;
  let url: string;
  let credentials: { projectId: string; apiKey: string };
  try {
    ({ url } = await runtime.listen());
    credentials = stores.transaction(() => {
      // A key already in a file database keeps its project: its webhooks and log from earlier runs.
      const existing = apiKeyWanted === undefined ? undefined : stores.projects.projectIdForKey(apiKeyWanted);
      if (existing) return { projectId: existing, apiKey: apiKeyWanted! };
      const projectId = stores.projects.create({ name: 'Embedded reference server' });
      if (apiKeyWanted === undefined) return { projectId, apiKey: stores.projects.createApiKey(projectId) };
      stores.projects.addApiKey(projectId, apiKeyWanted);
      return { projectId, apiKey: apiKeyWanted };
    });
  } catch (error) {
    await runtime.close({ drainTimeoutMs: 0 });
    throw error;
  }
  runtime.start();
  const { projectId, apiKey } = credentials;
  const client = createAnchorClient({ apiKey, baseUrl: url });

  let closing: Promise<void> | undefined;
  /** Waits under way: `close()` rejects them rather than leave them polling a closed database. */
  const waits = new Set<(error: Error) => void>();

  function log(webhookId?: string): DeliveryRow[] {
    if (closing) throw new Error('the reference server is closed');
    if (webhookId !== undefined && !stores.deliveries.webhookInProject(projectId, webhookId)) {
      throw new Error(`no webhook ${webhookId} in this reference server's project`);
    }
    return stores.deliveries.ofProject(projectId, webhookId);
  }
  const detail = (row: DeliveryRow): DeliveryDetail =>
    presentDeliveryDetail(row, stores.deliveries.payloadOf(row.event_id) ?? '', stores.deliveries.attempts(row.id));

  return {
    url,
    apiKey,
    projectId,
    client,
    async publish(type, data, { text } = {}) {
      const body = { type, ...(data === undefined ? {} : { data: data as Record<string, unknown> }), ...(text === undefined ? {} : { text }) };
      return throwOnError(client.POST('/v1/events', { body }));
    },
    async deliveries(webhookId) {
      return log(webhookId).map(detail);
    },
    waitForDelivery(query = {}) {
      const wanted: readonly DeliveryStatus[] = query.status === undefined ? ['succeeded'] : typeof query.status === 'string' ? [query.status] : query.status;
      const timeoutMs = query.timeoutMs ?? WAIT_TIMEOUT_MS;
      const specific = query.eventId !== undefined || query.deliveryId !== undefined;
      const started = performance.now();
      return new Promise<DeliveryDetail>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const fail = (error: Error) => {
          clearTimeout(timer);
          waits.delete(fail);
          reject(error);
        };
        const look = () => {
          let matching: DeliveryRow[];
          try {
            matching = log(query.webhookId).filter((row) => matches(row, query));
          } catch (error) {
            return fail(error as Error);
          }
          const found = matching.find((row) => wanted.includes(row.status));
          if (found) {
            waits.delete(fail);
            return resolve(detail(found));
          }
          const ended = specific && matching.length > 0 && matching.every((row) => ENDED.has(row.status));
          if (ended || performance.now() - started >= timeoutMs) {
            const why = ended ? 'ended otherwise' : `not within ${timeoutMs} ms`;
            return fail(new Error(`waitForDelivery: no delivery matching ${describeQuery(query)} reached ${wanted.join(' or ')} (${why}). ${describeLog(matching.map(detail))}`));
          }
          // Unref'd: a forgotten wait never keeps the process alive.
          timer = setTimeout(look, WAIT_POLL_MS).unref();
        };
        waits.add(fail);
        look();
      });
    },
    close() {
      return (closing ??= (async () => {
        for (const fail of [...waits]) fail(new Error('waitForDelivery: the reference server was closed while waiting'));
        await runtime.close({ drainTimeoutMs: CLOSE_DRAIN_MS });
      })());
    },
  };
}

/** The embedded defaults, then `config`, then the named options. Bad values throw a TypeError naming the option. */
function embeddedConfig(options: ReferenceServerOptions): Config {
  const { config = {} } = options;
  const retrySchedule = options.retrySchedule === undefined ? undefined : checked('retrySchedule', () => retryScheduleOf(options.retrySchedule!));
  const timeoutMs = options.deliveryTimeoutMs;
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs >= 1)) {
    throw new TypeError(`deliveryTimeoutMs: expected a whole number of milliseconds of at least 1, got ${String(timeoutMs)}`);
  }
  return defaultConfig({
    rateLimitPerSecond: 0,
    authFailurePerSecond: 0,
    logLevel: 'silent',
    ...config,
    dbPath: options.dbPath ?? config.dbPath ?? ':memory:',
    port: options.port ?? config.port ?? 0,
    host: options.host ?? config.host ?? '127.0.0.1',
    allowPrivateTargets: options.allowPrivateTargets ?? config.allowPrivateTargets ?? true,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    delivery: {
      retrySchedule: EMBEDDED_RETRY_SCHEDULE,
      timeoutMs: EMBEDDED_DELIVERY_TIMEOUT_MS,
      ...config.delivery,
      ...(retrySchedule ? { retrySchedule } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    },
  });
}

function retryScheduleOf(value: readonly number[] | string): RetrySchedule {
  const schedule = typeof value === 'string' ? parseRetrySchedule(value) : value;
  if (!Array.isArray(schedule) || schedule.length === 0 || schedule.length > 100) throw new Error('expected 1 to 100 delays');
  if (!schedule.every((ms) => Number.isFinite(ms) && ms >= 0)) throw new Error(`expected delays of 0 ms or more, got ${JSON.stringify(schedule)}`);
  return [...schedule];
}

function checked<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new TypeError(`${option}: ${(error as Error).message}`);
  }
}

function matches(row: DeliveryRow, query: DeliveryQuery): boolean {
  return (
    (query.eventId === undefined || row.event_id === query.eventId) &&
    (query.deliveryId === undefined || row.id === query.deliveryId) &&
    (query.eventType === undefined || row.event_type === query.eventType)
  );
}

function describeQuery(query: DeliveryQuery): string {
  const { status: _status, timeoutMs: _timeout, ...fields } = query;
  return Object.keys(fields).length > 0 ? JSON.stringify(fields) : 'any';
}

/** The matching deliveries, as a sentence a failed test can be debugged from. */
function describeLog(deliveries: DeliveryDetail[]): string {
  if (deliveries.length === 0) {
    return 'None matched: was an enabled webhook of this project subscribed to the event type when it was published?';
  }
  const lines = deliveries.map((d) => {
    const last = d.attempts.at(-1);
    const attempt = last ? `; last attempt: ${last.status_code ?? 'no answer'} ${last.error ?? 'ok'}${last.error_message ? ` (${last.error_message})` : ''}` : '';
    return `  ${d.id} to ${d.webhook_id} (${d.event_type}, ${d.event_id}): ${d.status} after ${d.attempt_count} attempt${d.attempt_count === 1 ? '' : 's'}${attempt}`;
  });
  return `Matching deliveries:\n${lines.join('\n')}`;
}
