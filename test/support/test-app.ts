/**
 * The reference server for a test, built by `createRuntime` as `serve` builds it, listening on
 * 127.0.0.1 (port 0) with its own database (`:memory:` unless `dbPath` is given), a
 * controllable clock, a stub DNS resolver (never the network), a captured pino logger, and
 * typed clients whose every response is checked against the spec (see `contract.ts`).
 *
 *   const t = await startTestApp();
 *   const { data, response } = await t.client.GET('/v1/webhooks');
 *   ...
 *   await t.close();   // also fails the test if any response broke the contract
 *
 * Defaults that differ from production: rate limiting is off, of keys and of failed
 * authentications (the fixed clock never refills a bucket; pass `config: { rateLimitPerSecond,
 * rateLimitBurst }` or `{ authFailurePerSecond, authFailureBurst }` to test them), every host name
 * resolves to 8.8.8.8 (pass `resolver` to change that), and the delivery worker is not started
 * (`worker: true` starts it; see test/delivery/support/app-with-worker.ts).
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createAnchorClient, type AnchorClient } from '../../client/create-anchor-client.js';
import type { Clock } from '../../server/clock.js';
import { defaultConfig, type Config, type ConfigOverrides } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../server/runtime.js';
import type { Database } from '../../server/storage/database.js';
import type { Stores } from '../../server/storage/stores.js';
import type { ResolvedAddress, Resolver } from '../../server/url-policy/types.js';
import { contractMiddleware } from './contract.js';
import { withCoverageRecorder } from './coverage/recorder.js';

/** The instant every test app starts at: the spec's example time. */
export const TEST_EPOCH = Date.parse('2026-05-14T09:21:07.412Z');

export type TestClock = Clock & { set(ms: number): void; advance(ms: number): void };

export function createTestClock(start = TEST_EPOCH): TestClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A resolver that answers every name with `addresses` (default 8.8.8.8) and records what was asked. */
export function stubResolver(addresses: ResolvedAddress[] = [{ address: '8.8.8.8', family: 4 }]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (hostname: string) => {
    asked.push(hostname);
    return addresses;
  };
  return Object.assign(resolver, { asked });
}

/** The captured log: raw lines as pino wrote them. */
export type CapturedLogs = { lines: string[]; entries(): Array<Record<string, unknown>> };

export type ProjectHandle = { projectId: string; apiKey: string; client: AnchorClient };

/** The logger a test reads back: every line captured, nothing printed. */
export function captureLogs(level: Config['logLevel']): { logger: ReturnType<typeof createLogger>; logs: CapturedLogs } {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    stream: new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  });
  return { logger, logs: { lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) } };
}

export type TestAppOptions = {
  /** Overrides of the test defaults (validateResponses true, rateLimitPerSecond and authFailurePerSecond 0). */
  config?: ConfigOverrides;
  clock?: TestClock;
  resolver?: Resolver;
  /** A file database (e.g. in a temp dir) instead of `:memory:`; its key file is created beside it. */
  dbPath?: string;
  /** Skip creating the first project and key (e.g. when reopening a file database). */
  noProject?: boolean;
  /** Start the delivery worker (and its checkpoint thread). */
  worker?: boolean;
  /** Other runtime overrides: timers, a fake sender, the docs file… */
  overrides?: Omit<RuntimeOverrides, 'clock' | 'resolver' | 'logger'>;
};

export type TestApp = ProjectHandle & {
  runtime: Runtime;
  baseUrl: string;
  clock: TestClock;
  logs: CapturedLogs;
  db: Database;
  stores: Stores;
  app: Express;
  server: Server;
  config: Config;
  /** Every contract violation seen by any client of this app. */
  violations: string[];
  /** `METHOD /template status` of every response any client of this app received. */
  seen: Set<string>;
  /** A contract-checked client for any key (or none: `clientFor('')`). */
  clientFor(apiKey: string): AnchorClient;
  /** A second (third, …) project with its own key and client. */
  newProject(): ProjectHandle;
  /** Stops the server and closes the database; throws if any response broke the contract. */
  close(): Promise<void>;
};

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? createTestClock();
  const dbPath = options.dbPath ?? ':memory:';
  const config = defaultConfig({ validateResponses: true, rateLimitPerSecond: 0, authFailurePerSecond: 0, logLevel: 'debug', ...options.config, dbPath });
  const { logger, logs } = captureLogs(config.logLevel);
  const runtime = createRuntime(config, { clock, resolver: options.resolver ?? stubResolver(), logger, ...options.overrides });
  const { stores } = runtime;
  const db = stores.db;
  if (options.worker) runtime.start();
  // The recorder notes every (operationId, status) the app produces, for the coverage gate.
  const { url: baseUrl, server } = await runtime.listen({ port: 0, host: '127.0.0.1', handler: withCoverageRecorder(runtime.app) });
  const app = runtime.app;

  const violations: string[] = [];
  const seen = new Set<string>();
  const clientFor = (apiKey: string) => {
    const client = createAnchorClient({ apiKey, baseUrl });
    client.use(contractMiddleware(violations, seen));
    return client;
  };
  const newProject = (): ProjectHandle => {
    const projectId = stores.projects.create();
    const apiKey = stores.projects.createApiKey(projectId);
    return { projectId, apiKey, client: clientFor(apiKey) };
  };
  const first = options.noProject ? { projectId: '', apiKey: '', client: clientFor('') } : newProject();

  return {
    ...first,
    runtime,
    baseUrl,
    clock,
    logs,
    db,
    stores,
    app,
    server,
    config,
    violations,
    seen,
    clientFor,
    newProject,
    async close() {
      server.closeAllConnections();
      await runtime.close({ drainTimeoutMs: 0 });
      if (violations.length > 0) throw new Error(`Contract violations:\n  ${violations.join('\n  ')}`);
    },
  };
}

/** A valid create body; override any field. */
export function newWebhook(overrides: Record<string, unknown> = {}) {
  return {
    url: 'https://hooks.anchor-customer.io/anchor/webhooks',
    subscribed_events: ['task.completed', 'task.failed'] as Array<'task.completed' | 'task.failed'>,
    description: 'Production task notifications',
    ...overrides,
  };
}

/**
 * One test app for a whole file, as a file's tests need nothing more: each test gets a fresh
 * project (its own key, client and webhooks) and the clock back at its start. Building a
 * runtime compiles its validator anew, so sharing one keeps the suite fast.
 *
 *   const app = sharedTestApp();
 *   beforeEach(() => { t = app.next(); });
 *   afterEach(() => app.check());   // fails the test if a response broke the contract
 */
export function sharedTestApp(options: TestAppOptions = {}) {
  let shared: TestApp | undefined;
  let start = 0;
  let checked = 0;
  beforeAll(async () => {
    shared = await startTestApp({ ...options, noProject: true });
    start = shared.clock.now();
  });
  afterAll(async () => {
    await shared?.close();
  });
  return {
    next(): TestApp {
      if (!shared) throw new Error('sharedTestApp: used outside a test');
      shared.clock.set(start);
      return { ...shared, ...shared.newProject() };
    },
    check(): void {
      const violations = shared?.violations.slice(checked) ?? [];
      checked += violations.length;
      if (violations.length > 0) throw new Error(`Contract violations:\n  ${violations.join('\n  ')}`);
    },
  };
}
