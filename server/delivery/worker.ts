import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { deliveryHeaders } from '@anchor-webhooks/client/sending';
import type { Clock } from '../clock.js';
import type { DeliveryConfig } from '../config.js';
import type { AttemptFacts, Claim, DecideAfterAttempt, DeliveryStore, FinishedAttempt, FinishOutcome } from '../storage/deliveries.js';
import { afterAttempt } from './after-attempt.js';
import type { Preflight } from './agent.js';
import { sendAttempt, type AttemptOptions, type AttemptOutcome, type AttemptRequest } from './attempt.js';
import { redactSignatures } from './redact-signatures.js';

/** Timer functions, injected so tests can drive the worker's sleeps. */
export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

type Deadline = { signal: AbortSignal; done(): void };

/** Bound on cached payloads of published, unclaimed deliveries (about 1 KiB each). */
const KNOWN_PAYLOADS_MAX = 10_000;

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where the worker learns that work may be due now (a publish, a redelivery). */
export type DeliveryNotifier = {
  notify(): void;
  /** These deliveries were just committed with this payload: claiming them need not read it back. */
  published?(payload: string, deliveryIds: readonly string[]): void;
};

/** One HTTP attempt: `sendAttempt`, or a fake in tests. Never throws. */
export type SendAttempt = (req: AttemptRequest, options: AttemptOptions) => Promise<AttemptOutcome>;

export type WorkerDeps = {
  deliveries: DeliveryStore;
  /** Every secret valid at `now`, current first (the secrets store's `validSecrets`). */
  secrets: { validSecrets(webhookId: string, now: number): string[] };
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'> & { isLevelEnabled?(level: string): boolean };
  config: DeliveryConfig;
  /** The undici agent that dials receivers through the URL policy. */
  agent: Dispatcher;
  /** The URL rules that need no DNS, for this runtime's private-targets setting. */
  preflight: Preflight;
  timers?: Timers;
  send?: SendAttempt;
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
 * The delivery worker's claim loop. It wakes on `notify()`, on an attempt finishing, or when the next
 * delivery falls due; it never polls faster than that (plus `idlePollMs` for deliveries written by
 * another process). Claims hold a lease, so a crash mid-attempt is retried after restart.
 */
export function createDeliveryWorker(deps: WorkerDeps): DeliveryWorker {
  const { deliveries, clock, logger, config } = deps;
  const timers = deps.timers ?? systemTimers;
  const send = deps.send ?? sendAttempt;
  const leaseMs = config.timeoutMs + config.leaseGraceMs;
  const policy = { retrySchedule: config.retrySchedule, autoDisableAfterMs: config.autoDisableAfterMs };
  const decide: DecideAfterAttempt = (facts: AttemptFacts) => afterAttempt(facts, policy);
  /** HTTP attempts under way. */
  const running = new Set<Promise<void>>();
  /** Attempts done and waiting to be recorded: a burst of completions is one transaction. */
  const finished: FinishedAttempt[] = [];
  let started = false;
  let stopped = false;
  let pumpQueued = false;
  let wakeTimer: unknown = null;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let lastSweep = Number.NEGATIVE_INFINITY;
  let idleWaiters: Array<() => void> = [];
  let lastClaimWasEmpty = false;
  /** Payloads of deliveries published in this process and not yet claimed; a cache, bounded. */
  const knownPayloads = new Map<string, string>();
  const takeKnownPayload = (deliveryId: string) => {
    const payload = knownPayloads.get(deliveryId);
    if (payload !== undefined) knownPayloads.delete(deliveryId);
    return payload;
  };

  function published(payload: string, deliveryIds: readonly string[]): void {
    if (!started || stopped) return;
    // Deliveries claimed elsewhere or cancelled would stay forever: start afresh past the bound.
    if (knownPayloads.size + deliveryIds.length > KNOWN_PAYLOADS_MAX) knownPayloads.clear();
    for (const id of deliveryIds) knownPayloads.set(id, payload);
  }

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
      if (now - lastSweep >= config.idlePollMs) sweep(now);
      // Record what finished and claim what is due in one transaction: one commit per wake-up.
      const batch = finished.splice(0);
      const free = config.concurrency - running.size;
      let claims: Claim[] = [];
      try {
        const options = { now, limit: free, perWebhook: config.perWebhookConcurrency, leaseMs, knownPayload: takeKnownPayload };
        const settled = deliveries.finishAndClaim(batch, decide, options);
        logRecorded(batch, settled.outcomes);
        claims = settled.claims;
      } catch (err) {
        // Nothing was written: the finished attempts' leases expire and they are retried.
        if (batch.length) logger.error({ err, deliveries: batch.map((f) => f.claim.deliveryId) }, 'delivery attempts could not be recorded; they will be retried');
        throw err;
      }
      lastClaimWasEmpty = claims.length === 0;
      // One secrets lookup per webhook per wake-up: all these attempts are signed at the same instant.
      const secretsOf = new Map<string, string[]>();
      const validSecrets = (webhookId: string) => {
        let secrets = secretsOf.get(webhookId);
        if (!secrets) secretsOf.set(webhookId, (secrets = deps.secrets.validSecrets(webhookId, now)));
        return secrets;
      };
      const deadline = claims.length > 0 ? sharedDeadline(claims.length) : null;
      for (const claim of claims) track(attempt(claim, now, validSecrets, deadline!));
      // At capacity no timer is set: finishing attempts wake the loop, so the next due time is not needed.
      if (running.size < config.concurrency) {
        const next = deliveries.nextWakeAt(now);
        if (next !== null) sleepMs = Math.min(sleepMs, Math.max(1, next - now));
      }
    } catch (err) {
      logger.error({ err }, 'delivery worker: claiming failed; retrying shortly');
    }
    settleIdle();
    // At capacity, finishing attempts wake the loop; otherwise sleep until something is due.
    if (running.size < config.concurrency) wakeTimer = timers.setTimeout(() => ((wakeTimer = null), notify()), sleepMs);
  }

  /** Housekeeping, about once per idle poll: expired leases, cancelled retries, retention. */
  function sweep(now: number): void {
    lastSweep = now;
    const reclaimed = deliveries.reclaimExpired(now);
    if (reclaimed > 0) logger.warn({ reclaimed }, 'reclaimed deliveries whose attempt outlived its lease (a crash or a stall): they are retried');
    const cancelled = deliveries.cancelInactive(now);
    if (cancelled > 0) logger.info({ cancelled }, 'cancelled the remaining retries of deliveries to disabled or deleted webhooks');
    if (now - lastPrune >= config.pruneIntervalMs) {
      lastPrune = now;
      const pruned = deliveries.prune(now - config.retentionMs);
      if (pruned.deliveries + pruned.events > 0) logger.info({ pruned }, 'pruned delivery records past retention');
    }
  }

  function track(task: Promise<void>): void {
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      notify();
    });
  }

  /**
   * The deadline of attempts claimed together: they start at the same instant, so one timer
   * serves them all. It is cleared when the last of them is done.
   */
  function sharedDeadline(attempts: number): Deadline {
    const controller = new AbortController();
    // Each attempt under way listens for the abort.
    setMaxListeners(attempts + 1, controller.signal);
    // Unref: the attempts themselves keep the process alive, not their deadline.
    const timer = setTimeout(() => controller.abort(), config.timeoutMs).unref();
    let left = attempts;
    return {
      signal: controller.signal,
      done() {
        if (--left === 0) clearTimeout(timer);
      },
    };
  }

  /** One attempt of a claimed delivery; its result is queued for `record`. Never rejects. */
  async function attempt(claim: Claim, startedAt: number, validSecrets: (webhookId: string) => string[], deadline: Deadline): Promise<void> {
    try {
      const secrets = validSecrets(claim.webhookId);
      const headers = deliveryHeaders({
        eventType: claim.eventType,
        deliveryId: claim.deliveryId,
        body: claim.payload,
        secrets,
        timestamp: Math.floor(startedAt / 1000),
      });
      const outcome = await send(
        { url: claim.url, headers, body: claim.payload, webhookId: claim.webhookId },
        { agent: deps.agent, timeoutMs: config.timeoutMs, preflight: deps.preflight, deadline: deadline.signal },
      );
      finished.push({
        claim,
        retryAfter: outcome.retryAfter,
        finishedAt: clock.now(),
        attempt: {
          attemptNumber: claim.attemptNumber,
          startedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          errorMessage: outcome.errorMessage,
          responseExcerpt: outcome.responseExcerpt,
          responseHeaders: outcome.responseHeaders ?? null,
          requestHeaders: redactSignatures(headers),
        },
      });
    } catch (err) {
      // A bug: the lease expires and the delivery is tried again.
      logger.error({ err, delivery_id: claim.deliveryId }, 'delivery attempt could not be made');
    } finally {
      deadline.done();
    }
  }

  /** Writes every finished attempt in one transaction (at shutdown; the loop uses finishAndClaim). */
  function record(): void {
    if (finished.length === 0) return;
    const batch = finished.splice(0);
    try {
      logRecorded(batch, deliveries.finishAttempts(batch, decide));
    } catch (err) {
      logger.error({ err, deliveries: batch.map((f) => f.claim.deliveryId) }, 'delivery attempts could not be recorded; they will be retried');
    }
  }

  function logRecorded(batch: readonly FinishedAttempt[], outcomes: readonly FinishOutcome[]): void {
    // A success is logged at debug level only: skip building its fields when that is off.
    const debug = logger.isLevelEnabled?.('debug') ?? true;
    batch.forEach(({ claim, attempt: a }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.recorded && a.error === null && !outcome.webhookAutoDisabled && !debug) return;
      const fields = {
        delivery_id: claim.deliveryId,
        event_id: claim.eventId,
        webhook_id: claim.webhookId,
        attempt: a.attemptNumber,
        status_code: a.statusCode,
        error: a.error,
        duration_ms: a.durationMs,
        delivery_status: outcome.status,
      };
      if (!outcome.recorded) logger.warn(fields, 'delivery attempt finished after its lease was taken over; not recorded');
      else if (a.error === null) logger.debug(fields, 'delivery attempt succeeded');
      else logger.info({ ...fields, error_message: a.errorMessage }, 'delivery attempt failed');
      if (outcome.webhookAutoDisabled) logger.warn({ webhook_id: claim.webhookId }, 'webhook disabled: every delivery failed for the auto-disable period (endpoint_failing)');
    });
  }

  function settleIdle(): void {
    if (running.size > 0 || finished.length > 0 || pumpQueued || !lastClaimWasEmpty || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  return {
    notify,
    published,
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
      record();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notify();
      });
    },
    get inFlight() {
      return running.size + finished.length;
    },
  };
}
