import type { Clock } from '../clock.js';

/** Where a caller stands in its bucket after a request: what the RateLimit headers report. */
export type BucketState = {
  allowed: boolean;
  /** Whole requests left now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** When refused: seconds until one more request fits. */
  retryAfterSeconds: number;
};

export type TokenBuckets = {
  /** Takes one token from `key`'s bucket if it has one. */
  take(key: string): BucketState;
  /** The IETF draft's policy for these buckets, e.g. `"per-key";q=200;w=2`. */
  readonly policy: string;
  /** The draft's `RateLimit` value for a state. */
  header(state: BucketState): string;
};

type Bucket = { tokens: number; at: number };

/**
 * Token buckets of `burst` tokens refilled at `perSecond`, one per key, in memory. A bucket that
 * is full again says nothing a new one would not, so past `maxKeys` buckets the full ones are
 * dropped (and, failing that, the oldest): a flood of distinct keys cannot grow memory.
 */
export function createTokenBuckets({ name, perSecond, burst, clock, maxKeys = 10_000 }: { name: string; perSecond: number; burst: number; clock: Clock; maxKeys?: number }): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  const refilled = (bucket: Bucket, now: number) => Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);

  function prune(now: number): void {
    for (const [key, bucket] of buckets) if (refilled(bucket, now) >= burst) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size <= maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    policy: `"${name}";q=${Math.floor(burst)};w=${Math.max(1, Math.ceil(burst / perSecond))}`,
    take(key) {
      const now = clock.now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) prune(now);
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      }
      bucket.tokens = refilled(bucket, now);
      bucket.at = now;
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      return {
        allowed,
        remaining: Math.floor(bucket.tokens),
        resetSeconds: Math.ceil((burst - bucket.tokens) / perSecond),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
      };
    },
    header: (state) => `"${name}";r=${state.remaining};t=${state.resetSeconds}`,
  };
}
