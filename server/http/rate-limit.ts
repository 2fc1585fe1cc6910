import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { ProblemError } from '../problem.js';
import { authOf } from './auth.js';

export type RateLimitOptions = { perSecond: number; burst: number; clock: Clock };

type Bucket = { tokens: number; at: number };

/**
 * A token bucket per API key: `burst` tokens, refilled at `perSecond`. Runs after
 * authentication, so only known keys get a bucket. Null when `perSecond` is 0 (disabled):
 * no layer is registered at all.
 */
export function rateLimit({ perSecond, burst, clock }: RateLimitOptions): RequestHandler | null {
  if (perSecond <= 0) return null;
  const buckets = new Map<string, Bucket>();
  return (_req, res, next) => {
    const auth = authOf(res);
    if (!auth) return next();
    const now = clock.now();
    const bucket = buckets.get(auth.keyHash) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(auth.keyHash, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return next();
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    next(
      new ProblemError('rate_limited', `Too many requests; retry after ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`, {
        headers: { 'Retry-After': String(retryAfter) },
      }),
    );
  };
}
