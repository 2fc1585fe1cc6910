import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import ipaddr from 'ipaddr.js';
import { retryAfterSeconds } from '../../generated/contract.js';
import type { Clock } from '../clock.js';
import { ProblemError } from '../problem.js';
import { authOf } from './auth.js';
import { createTokenBuckets, type BucketState, type TokenBuckets } from './token-buckets.js';

export type RateLimitOptions = { perSecond: number; burst: number; clock: Clock };

/** `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers), on every answer a bucket judged. */
function report(res: Response, buckets: TokenBuckets, state: BucketState): void {
  res.setHeader('RateLimit-Policy', buckets.policy);
  res.setHeader('RateLimit', buckets.header(state));
}

function rateLimited(state: BucketState, what: string): ProblemError {
  const wait = Math.min(retryAfterSeconds.max, state.retryAfterSeconds);
  return new ProblemError('rate_limited', `${what}; retry after ${wait} second${wait === 1 ? '' : 's'}.`, { headers: { 'Retry-After': String(wait) } });
}

/**
 * A token bucket per API key: `burst` tokens, refilled at `perSecond`. Runs after
 * authentication, so only known keys get a bucket; every answer after it carries the key's
 * RateLimit headers, a 429 too. Null when `perSecond` is 0 (disabled): no layer at all.
 */
export function rateLimit({ perSecond, burst, clock }: RateLimitOptions): RequestHandler | null {
  if (perSecond <= 0) return null;
  const buckets = createTokenBuckets({ name: 'per-key', perSecond, burst, clock });
  return (_req, res, next) => {
    const auth = authOf(res);
    if (!auth) return next();
    const state = buckets.take(auth.keyHash);
    report(res, buckets, state);
    if (state.allowed) return next();
    next(rateLimited(state, 'Too many requests'));
  };
}

/**
 * Failed authentication, throttled per client address (an IPv6 client by its /64): each 401
 * takes a token, and once the address has none left its unknown keys are answered 429 with
 * `Retry-After` instead. A valid key from the same address is not affected. The throttle limits
 * the noise a key-guessing client makes; a key's length is what makes guessing hopeless.
 * Registered right after authentication, as an error layer. Null when `perSecond` is 0.
 */
export function authFailureLimit({ perSecond, burst, clock }: RateLimitOptions): ErrorRequestHandler | null {
  if (perSecond <= 0) return null;
  const buckets = createTokenBuckets({ name: 'auth-failures', perSecond, burst, clock });
  return (err, req, res, next) => {
    const status = (err as { status?: unknown } | undefined)?.status;
    if (status !== 401) return next(err);
    const state = buckets.take(clientAddress(req));
    report(res, buckets, state);
    next(state.allowed ? err : rateLimited(state, 'Too many failed authentications from this address'));
  };
}

/** The address a bucket is kept for: an IPv4 address, or the /64 an IPv6 client can pick addresses from. */
export function clientAddress(req: Pick<Request, 'socket'>): string {
  const raw = req.socket.remoteAddress ?? 'unknown';
  if (!ipaddr.isValid(raw)) return raw;
  const address = ipaddr.process(raw);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}
