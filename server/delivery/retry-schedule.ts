/**
 * The retry schedule: the delay before each attempt of a delivery, the first one included
 * (0 = immediately). Its length is the number of attempts; after the last one the delivery is dead.
 */
export type RetrySchedule = readonly number[];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts over about 27.6 hours. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/** `250ms`, `5s`, `1.5m`, `10h`, `5d` or a bare `0`. Throws a message naming the bad value. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(trimmed);
  if (!match) throw new Error(`"${text}" is not a duration: use a number with a unit (ms, s, m, h or d), e.g. 500ms, 5s, 30m, 2h.`);
  return Math.round(Number(match[1]) * UNITS[match[2]!]!);
}

/** `ANCHOR_RETRY_SCHEDULE`: comma-separated durations, e.g. `0,100ms,200ms`. */
export function parseRetrySchedule(text: string): RetrySchedule {
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '')) throw new Error(`"${text}" is not a retry schedule: give comma-separated durations, e.g. 0,5s,5m.`);
  return parts.map(parseDuration);
}

/** When the attempt after `attemptsMade` failed ones is due, or null when the schedule is used up. */
export function nextRetryDelay(schedule: RetrySchedule, attemptsMade: number): number | null {
  return attemptsMade < schedule.length ? schedule[attemptsMade]! : null;
}

/**
 * `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`; null when absent or
 * unreadable (the schedule then applies unchanged).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
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
