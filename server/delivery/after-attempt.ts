import type { RetrySchedule } from '../durations.js';
import type { AttemptDecision, AttemptFacts } from '../storage/deliveries.js';
import { clampRetryAfter, nextRetryDelay, parseRetryAfter } from './retry-schedule.js';

export type AfterAttemptPolicy = {
  retrySchedule: RetrySchedule;
  /** A webhook whose attempts have all failed for this long is disabled. */
  autoDisableAfterMs: number;
};

/**
 * When the next attempt is due after a failed one, or null when there is none: `410 Gone`,
 * a one-shot redelivery and a used-up schedule end the retries. A receiver's `Retry-After`
 * delays the retry, within the schedule's bounds.
 */
export function nextRetryAt(facts: AttemptFacts, policy: AfterAttemptPolicy): number | null {
  if (facts.ok || facts.statusCode === 410 || facts.oneShot) return null;
  const scheduled = nextRetryDelay(policy.retrySchedule, facts.attemptNumber);
  if (scheduled === null) return null;
  const retryAfter = parseRetryAfter(facts.retryAfter, facts.finishedAt);
  return facts.finishedAt + (retryAfter === null ? scheduled : clampRetryAfter(policy.retrySchedule, scheduled, retryAfter));
}

/**
 * The delivery's and the webhook's next state, given when the next attempt would be due.
 * A disabled or deleted webhook finishes the attempt under way but gets no further retries.
 * A failure starts (or continues) the webhook's failing run; a success ends it; a run as old
 * as the auto-disable period disables the webhook.
 */
export function settleAttempt(facts: AttemptFacts, retryAt: number | null, policy: AfterAttemptPolicy): AttemptDecision {
  if (facts.ok) return { status: 'succeeded', nextAttemptAt: null, failingSince: null, autoDisable: false };
  const failingSince = facts.failingSince ?? facts.startedAt;
  const retrying = retryAt !== null && facts.webhookActive;
  return {
    status: retrying ? 'failed' : 'dead',
    nextAttemptAt: retrying ? retryAt : null,
    failingSince,
    autoDisable: facts.webhookActive && failingSince <= facts.finishedAt - policy.autoDisableAfterMs,
  };
}

/** What happens after an attempt: the one rule the worker hands to the store. */
export function afterAttempt(facts: AttemptFacts, policy: AfterAttemptPolicy): AttemptDecision {
  return settleAttempt(facts, nextRetryAt(facts, policy), policy);
}
