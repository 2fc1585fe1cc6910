import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import type { Claim, DeliveryStore } from '../storage/deliveries.js';
import { sendAttempt, type AttemptOptions, type AttemptOutcome, type AttemptRequest } from './attempt.js';
import type { DeliveryConfig } from './config.js';
import { clampRetryAfter, nextRetryDelay, parseRetryAfter } from './retry-schedule.js';
import { deliveryHeaders } from './signing.js';

/** Timer functions, injected so tests can drive the worker's sleeps. */
export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where the worker learns that work may be due now (a publish, a redelivery). */
export type DeliveryNotifier = { notify(): void };

export type WorkerDeps = {
  deliveries: DeliveryStore;
  /** Every secret valid at `now`, current first (the secrets store's `validSecrets`). */
  secrets: { validSecrets(webhookId: string, now: number): string[] };
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  config: DeliveryConfig & { allowPrivateTargets: boolean };
  dispatcher: Dispatcher;
  timers?: Timers;
  /** One HTTP attempt; replaced in unit tests. */
  send?: (req: AttemptRequest, options: AttemptOptions) => Promise<AttemptOutcome>;
};

export type DeliveryWorker = DeliveryNotifier & {
  /** Reclaims expired leases, prunes, then claims whatever is due. */
  start(): void;
  /** Stops claiming and waits for the attempts under way (each bounded by the timeout). */
  stop(): Promise<void>;
  /** Resolves once nothing is in flight and nothing is due at the clock's now. */
  idle(): Promise<void>;
  readonly inFlight: number;
};

/**
 * The dispatcher's claim loop. It wakes on `notify()`, on an attempt finishing, or when the next
 * delivery falls due; it never polls faster than that (plus `idlePollMs` for deliveries written by
 * another process). Claims hold a lease, so a crash mid-attempt is retried after restart.
 */
export function createDeliveryWorker(deps: WorkerDeps): DeliveryWorker {
  const { deliveries, clock, logger, config } = deps;
  const timers = deps.timers ?? systemTimers;
  const send = deps.send ?? sendAttempt;
  const leaseMs = config.timeoutMs + config.leaseGraceMs;
  const running = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let pumpQueued = false;
  let wakeTimer: unknown = null;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let lastSweep = Number.NEGATIVE_INFINITY;
  let idleWaiters: Array<() => void> = [];
  let lastClaimWasEmpty = false;

  function notify(): void {
    if (!started || stopped || pumpQueued) return;
    pumpQueued = true;
    // Coalesces a burst of publishes and completions into one claim.
    setImmediate(pump);
  }

  function pump(): void {
    pumpQueued = false;
    if (stopped) return;
    if (wakeTimer !== null) {
      timers.clearTimeout(wakeTimer);
      wakeTimer = null;
    }
    let sleepMs = config.idlePollMs;
    try {
      const now = clock.now();
      const reclaimed = deliveries.reclaimExpired(now);
      if (reclaimed > 0) logger.warn({ reclaimed }, 'reclaimed deliveries whose attempt outlived its lease');
      if (now - lastPrune >= config.pruneIntervalMs) {
        lastPrune = now;
        const pruned = deliveries.prune(now - config.retentionMs);
        if (pruned.deliveries + pruned.events > 0) logger.info({ pruned }, 'pruned delivery records past retention');
      }
      if (now - lastSweep >= config.idlePollMs) {
        lastSweep = now;
        const cancelled = deliveries.cancelInactive(now);
        if (cancelled > 0) logger.info({ cancelled }, 'cancelled the remaining retries of deliveries to disabled or deleted webhooks');
      }
      const free = config.concurrency - running.size;
      const claims = free > 0 ? deliveries.claimDue({ now, limit: free, perWebhook: config.perWebhookConcurrency, leaseMs }) : [];
      lastClaimWasEmpty = claims.length === 0;
      for (const claim of claims) track(attempt(claim));
      const next = deliveries.nextWakeAt(now);
      if (next !== null) sleepMs = Math.min(sleepMs, Math.max(1, next - now));
    } catch (err) {
      logger.error({ err }, 'delivery worker: claiming failed; retrying shortly');
    }
    settleIdle();
    // At capacity, finishing attempts wake the loop; otherwise sleep until something is due.
    if (running.size < config.concurrency) wakeTimer = timers.setTimeout(() => ((wakeTimer = null), notify()), sleepMs);
  }

  function track(task: Promise<void>): void {
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      notify();
      settleIdle();
    });
  }

  async function attempt(claim: Claim): Promise<void> {
    const startedAt = clock.now();
    try {
      const secrets = deps.secrets.validSecrets(claim.webhookId, startedAt);
      const headers = deliveryHeaders({
        eventType: claim.eventType,
        deliveryId: claim.deliveryId,
        body: claim.payload,
        secrets,
        timestamp: Math.floor(startedAt / 1000),
      });
      const outcome = await send(
        { url: claim.url, headers, body: claim.payload },
        { dispatcher: deps.dispatcher, timeoutMs: config.timeoutMs, allowPrivateTargets: config.allowPrivateTargets },
      );
      const finishedAt = clock.now();
      const retryAt = outcome.ok ? null : nextAttemptAt(claim, outcome, finishedAt);
      const result = deliveries.finishAttempt(
        claim,
        {
          attemptNumber: claim.attemptNumber,
          startedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          errorMessage: outcome.errorMessage,
          responseExcerpt: outcome.responseExcerpt,
          requestHeaders: headers,
        },
        { succeeded: outcome.ok, retryAt, now: finishedAt, autoDisableFailingSince: finishedAt - config.autoDisableAfterMs },
      );
      const fields = {
        delivery_id: claim.deliveryId,
        event_id: claim.eventId,
        webhook_id: claim.webhookId,
        attempt: claim.attemptNumber,
        status_code: outcome.statusCode,
        error: outcome.error,
        duration_ms: outcome.durationMs,
        delivery_status: result.status,
      };
      if (!result.recorded) logger.warn(fields, 'delivery attempt finished after its lease was taken over; not recorded');
      else if (outcome.ok) logger.debug(fields, 'delivery attempt succeeded');
      else logger.info({ ...fields, error_message: outcome.errorMessage }, 'delivery attempt failed');
      if (result.webhookAutoDisabled) logger.warn({ webhook_id: claim.webhookId }, 'webhook disabled: every delivery failed for the auto-disable period (endpoint_failing)');
    } catch (err) {
      // A bug or a database error: the lease expires and the delivery is tried again.
      logger.error({ err, delivery_id: claim.deliveryId }, 'delivery attempt could not be completed');
    }
  }

  function nextAttemptAt(claim: Claim, outcome: AttemptOutcome, now: number): number | null {
    if (outcome.statusCode === 410 || claim.oneShot) return null;
    const scheduled = nextRetryDelay(config.retrySchedule, claim.attemptNumber);
    if (scheduled === null) return null;
    const retryAfter = parseRetryAfter(outcome.retryAfter, now);
    return now + (retryAfter === null ? scheduled : clampRetryAfter(config.retrySchedule, scheduled, retryAfter));
  }

  function settleIdle(): void {
    if (running.size > 0 || pumpQueued || !lastClaimWasEmpty || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  return {
    notify,
    start() {
      if (started) return;
      started = true;
      notify();
    },
    async stop() {
      stopped = true;
      if (wakeTimer !== null) timers.clearTimeout(wakeTimer);
      wakeTimer = null;
      await Promise.allSettled([...running]);
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notify();
      });
    },
    get inFlight() {
      return running.size;
    },
  };
}
