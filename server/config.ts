import type { LevelWithSilent } from 'pino';
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule, type RetrySchedule } from './durations.js';

/** The delivery worker's settings (ANCHOR_* variables; see the server package's README). */
export type DeliveryConfig = {
  /** ANCHOR_RETRY_SCHEDULE: the delay before each attempt; its length is the number of attempts. */
  retrySchedule: RetrySchedule;
  /** ANCHOR_DELIVERY_TIMEOUT_MS: one attempt, connect to last byte read. */
  timeoutMs: number;
  /** ANCHOR_DELIVERY_CONCURRENCY: attempts in flight across all webhooks. */
  concurrency: number;
  /** ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK: attempts in flight, and connections open, to one webhook. */
  perWebhookConcurrency: number;
  /** ANCHOR_AUTO_DISABLE_AFTER: a webhook failing without a success for this long is disabled. */
  autoDisableAfterMs: number;
  /** How long events, deliveries and attempts are kept: the spec's 7 days. */
  retentionMs: number;
  /** How often the worker prunes. */
  pruneIntervalMs: number;
  /**
   * Longest idle sleep. The worker wakes at once for events published in this process and
   * otherwise sleeps until the next due time; this bound picks up deliveries another process
   * (`anchor-webhooks trigger`) wrote to the same database.
   */
  idlePollMs: number;
  /** A claim lasts the timeout plus this; a claim outliving its process is then reclaimed. */
  leaseGraceMs: number;
};

/** The reference server's settings. Environment variables only. */
export type Config = {
  port: number;
  host: string;
  /** SQLite file, or `:memory:`. */
  dbPath: string;
  /** ANCHOR_API_KEY: a key that must exist for the default project. */
  apiKey: string | undefined;
  /** ANCHOR_SECRET_KEY: the AES-256-GCM key for secrets at rest; otherwise a key file beside the database. */
  secretKey: Buffer | undefined;
  validateResponses: boolean;
  allowPrivateTargets: boolean;
  /** Token bucket per API key: refill per second (0 disables) and bucket size. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Failed authentications per client address: refill per second (0 disables) and bucket size. */
  authFailurePerSecond: number;
  authFailureBurst: number;
  /** ANCHOR_HEADERS_TIMEOUT_MS: a client gets this long to send its request headers (slowloris). */
  headersTimeoutMs: number;
  /** ANCHOR_REQUEST_TIMEOUT_MS: and this long for the whole request, body included. */
  requestTimeoutMs: number;
  logLevel: LevelWithSilent;
  delivery: DeliveryConfig;
};

/** Overrides for tests and embedders: any field, and any part of `delivery`. */
export type ConfigOverrides = Partial<Omit<Config, 'delivery'>> & { delivery?: Partial<DeliveryConfig> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_DELIVERY_CONFIG: DeliveryConfig = {
  retrySchedule: DEFAULT_RETRY_SCHEDULE,
  timeoutMs: 10_000,
  concurrency: 50,
  perWebhookConcurrency: 5,
  autoDisableAfterMs: 5 * DAY,
  retentionMs: 7 * DAY,
  pruneIntervalMs: 60 * 60 * 1000,
  idlePollMs: 1_000,
  leaseGraceMs: 5_000,
};

const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and checks every variable, the delivery worker's included; all problems are reported
 * at once, in one ConfigError. Credentials are never echoed.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  /** The parsed value, or `fallback` when unset; a parser throws an Error saying what was expected. */
  function read<T>(name: string, fallback: T, parse: (raw: string) => T, { secret = false } = {}): T {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    try {
      return parse(raw);
    } catch (error) {
      problems.push(`${name}${secret ? '' : `=${JSON.stringify(raw)}`}: ${(error as Error).message}`);
      return fallback;
    }
  }

  const port = read('PORT', 8080, (raw) => wholeNumber(raw, 0, 65535, 'a port number 0-65535'));
  const host = env.HOST?.trim() || '127.0.0.1';
  const dbPath = env.ANCHOR_DB?.trim() || './data/anchor.sqlite';
  const apiKey = read<string | undefined>('ANCHOR_API_KEY', undefined, parseApiKey, { secret: true });
  const secretKey = read<Buffer | undefined>('ANCHOR_SECRET_KEY', undefined, (raw) => {
    if (!/^[0-9a-fA-F]{64}$/.test(raw)) throw new Error('expected 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`');
    return Buffer.from(raw, 'hex');
  }, { secret: true });

  const validateResponses = read('ANCHOR_VALIDATE_RESPONSES', true, parseBoolean);
  const allowPrivateTargets = read('ANCHOR_ALLOW_PRIVATE_TARGETS', false, parseBoolean);
  const rateLimitPerSecond = read('ANCHOR_RATE_LIMIT_PER_SECOND', 100, parseNonNegativeNumber);
  const rateLimitBurst = read('ANCHOR_RATE_LIMIT_BURST', Math.max(1, rateLimitPerSecond * 2), (raw) => {
    const value = parseNonNegativeNumber(raw);
    if (value < 1) throw new Error('must be at least 1');
    return value;
  });

  const authFailurePerSecond = read('ANCHOR_AUTH_FAILURES_PER_MINUTE', 10, parseNonNegativeNumber) / 60;
  const authFailureBurst = read('ANCHOR_AUTH_FAILURE_BURST', 20, (raw) => {
    const value = parseNonNegativeNumber(raw);
    if (value < 1) throw new Error('must be at least 1');
    return value;
  });

  const headersTimeoutMs = read('ANCHOR_HEADERS_TIMEOUT_MS', 10_000, (raw) => wholeNumber(raw, 100, 9_999_999, 'a whole number of milliseconds from 100 to 9999999'));
  const requestTimeoutMs = read('ANCHOR_REQUEST_TIMEOUT_MS', Math.max(30_000, headersTimeoutMs), (raw) => {
    const value = wholeNumber(raw, 100, 9_999_999, 'a whole number of milliseconds from 100 to 9999999');
    // Node refuses a headers timeout longer than the request timeout.
    if (value < headersTimeoutMs) throw new Error(`must be at least ANCHOR_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
    return value;
  });
  const logLevel = read<LevelWithSilent>('LOG_LEVEL', 'info', (raw) => {
    const level = raw.toLowerCase() as LevelWithSilent;
    if (!LOG_LEVELS.includes(level)) throw new Error(`expected one of ${LOG_LEVELS.join(', ')}`);
    return level;
  });

  const d = DEFAULT_DELIVERY_CONFIG;
  const delivery: DeliveryConfig = {
    ...d,
    retrySchedule: read('ANCHOR_RETRY_SCHEDULE', d.retrySchedule, (raw) => {
      const schedule = parseRetrySchedule(raw);
      if (schedule.length > 100) throw new Error('at most 100 attempts');
      return schedule;
    }),
    timeoutMs: read('ANCHOR_DELIVERY_TIMEOUT_MS', d.timeoutMs, (raw) => wholeNumber(raw, 1, 600_000)),
    concurrency: read('ANCHOR_DELIVERY_CONCURRENCY', d.concurrency, (raw) => wholeNumber(raw, 1, 1_000)),
    perWebhookConcurrency: read('ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK', d.perWebhookConcurrency, (raw) => wholeNumber(raw, 1, 1_000)),
    autoDisableAfterMs: read('ANCHOR_AUTO_DISABLE_AFTER', d.autoDisableAfterMs, (raw) => {
      const ms = parseDuration(raw);
      if (ms <= 0) throw new Error('must be longer than 0');
      return ms;
    }),
  };

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { port, host, dbPath, apiKey, secretKey, validateResponses, allowPrivateTargets, rateLimitPerSecond, rateLimitBurst, authFailurePerSecond, authFailureBurst, headersTimeoutMs, requestTimeoutMs, logLevel, delivery };
}

/** An API key chosen by the operator (ANCHOR_API_KEY, or an embedder's `apiKey`); never echoed. */
export function parseApiKey(raw: string): string {
  if (!/^[\x21-\x7E]{16,256}$/.test(raw)) throw new Error('expected 16 to 256 visible ASCII characters (no spaces)');
  return raw;
}

function wholeNumber(raw: string, min: number, max: number, expected = `a whole number from ${min} to ${max}`): number {
  if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new Error(`expected ${expected}`);
  return Number(raw);
}

function parseBoolean(raw: string): boolean {
  const value = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error('expected true/false (or 1/0)');
}

function parseNonNegativeNumber(raw: string): number {
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) throw new Error('expected a non-negative number');
  return value;
}

/** A config for tests and embedders: the defaults plus overrides, no environment. */
export function defaultConfig(overrides: ConfigOverrides = {}): Config {
  const defaults = loadConfig({});
  return { ...defaults, ...overrides, delivery: { ...defaults.delivery, ...overrides.delivery } };
}
