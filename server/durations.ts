/** Durations as operators write them in the environment: `250ms`, `5s`, `1.5m`, `10h`, `5d` or a bare `0`. */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/**
 * The retry schedule: the delay before each attempt of a delivery, the first one included
 * (0 = immediately). Its length is the number of attempts; after the last one the delivery is dead.
 */
export type RetrySchedule = readonly number[];

/** immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts over about 27.6 hours. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** Milliseconds; throws a message naming the bad value. */
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
