import { ConfigError } from '../config.js';
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule, type RetrySchedule } from './retry-schedule.js';

/** The dispatcher's settings. Environment variables only; see "Deliveries" in the README. */
export type DeliveryConfig = {
  /** ANCHOR_RETRY_SCHEDULE: the delay before each attempt; its length is the number of attempts. */
  retrySchedule: RetrySchedule;
  /** ANCHOR_DELIVERY_TIMEOUT_MS: one attempt, connect to last byte read. */
  timeoutMs: number;
  /** ANCHOR_DELIVERY_CONCURRENCY: attempts in flight across all webhooks. */
  concurrency: number;
  /** ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK: attempts in flight to one webhook. */
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

type Env = Record<string, string | undefined>;

/** Reads the ANCHOR_* delivery variables; every problem is reported at once, in one error. */
export function loadDeliveryConfig(env: Env = process.env, overrides: Partial<DeliveryConfig> = {}): DeliveryConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (raw: string) => T): T | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    try {
      return parse(raw);
    } catch (err) {
      problems.push(`${name}=${JSON.stringify(raw)}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const positiveInt = (max: number) => (raw: string) => {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new Error(`expected a whole number from 1 to ${max}`);
    return Number(raw);
  };

  const schedule = read('ANCHOR_RETRY_SCHEDULE', (raw) => {
    const parsed = parseRetrySchedule(raw);
    if (parsed.length > 100) throw new Error('at most 100 attempts');
    return parsed;
  });
  const config: DeliveryConfig = {
    ...DEFAULT_DELIVERY_CONFIG,
    ...definedOnly({
      retrySchedule: schedule,
      timeoutMs: read('ANCHOR_DELIVERY_TIMEOUT_MS', positiveInt(600_000)),
      concurrency: read('ANCHOR_DELIVERY_CONCURRENCY', positiveInt(1_000)),
      perWebhookConcurrency: read('ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK', positiveInt(1_000)),
      autoDisableAfterMs: read('ANCHOR_AUTO_DISABLE_AFTER', (raw) => {
        const ms = parseDuration(raw);
        if (ms <= 0) throw new Error('must be longer than 0');
        return ms;
      }),
    }),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(`Invalid delivery configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
