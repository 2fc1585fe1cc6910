import { retryAfterMs } from '@anchor-webhooks/client/sending';
import type { RetrySchedule } from '../durations.js';

/** When the attempt after `attemptsMade` failed ones is due, or null when the schedule is used up. */
export function nextRetryDelay(schedule: RetrySchedule, attemptsMade: number): number | null {
  return attemptsMade < schedule.length ? schedule[attemptsMade]! : null;
}

/**
 * `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`; null when absent or
 * unreadable (the schedule then applies unchanged). The client's parser: one reading for both sides.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  return retryAfterMs(value ?? null, now) ?? null;
}

/**
 * The delay honouring a receiver's `Retry-After`, clamped to the schedule's bounds: never sooner
 * than the schedule's own delay for this retry (the receiver may slow us down, not speed us up),
 * never later than the schedule's longest step (one header cannot park a delivery for days).
 */
export function clampRetryAfter(schedule: RetrySchedule, scheduledDelay: number, retryAfterMs: number): number {
  const longest = Math.max(...schedule);
  return Math.min(Math.max(retryAfterMs, scheduledDelay), Math.max(longest, scheduledDelay));
}
