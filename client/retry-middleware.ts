import type { Middleware } from 'openapi-fetch';
import { retryAfterMs } from './retry-after.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** First backoff step; doubles on each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling of one backoff step. Default 10 s. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the 429/5xx is returned instead. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); the jitter source. Default Math.random. */
  random?: () => number;
  /** For `Retry-After` as an HTTP date. Default Date.now. */
  now?: () => number;
  /** Called before each retry, e.g. to log it: with the status that caused it, or the network error. */
  onRetry?: (info: RetryInfo) => void;
}

export type RetryInfo = { attempt: number; delayMs: number; request: Request } & ({ status: number; error?: undefined } | { status?: undefined; error: unknown });

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Whether repeating the request cannot do anything twice: GET, HEAD, OPTIONS, PUT and
 * DELETE by HTTP's definition, a POST only with an `Idempotency-Key` (the server replays
 * the first answer). PATCH never.
 */
export function isIdempotentRequest(request: Request): boolean {
  const method = request.method.toUpperCase();
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method)) return true;
  return method === 'POST' && request.headers.has('idempotency-key');
}

export const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/**
 * A failure to get any answer (refused, reset, DNS): fetch rejects with a TypeError. An abort or
 * a timeout is a DOMException, and is the caller's decision: never retried.
 */
export const isNetworkError = (error: unknown): boolean => error instanceof TypeError;

/**
 * Retries idempotent requests answered 429 or 5xx, or that got no answer at all (a network
 * error), with exponential backoff and full jitter, waiting exactly `Retry-After` when the
 * server sends one. Both kinds share one budget of `retries`. Register it after any middleware
 * that changes the request: it replays the request as it saw it.
 */
export function createRetryMiddleware(options: RetryOptions = {}): Middleware {
  const {
    retries = 2,
    baseDelayMs = 500,
    maxDelayMs = 10_000,
    maxRetryAfterMs = 60_000,
    sleep = defaultSleep,
    random = Math.random,
    now = Date.now,
    onRetry,
  } = options;
  // The body of the original request is consumed by the first fetch: keep a copy per call.
  const pending = new Map<string, Request>();

  /** Retries from the first outcome (a response or a network error) until done; returns the last. */
  async function retry(original: Request, request: Request, first: Response | unknown, fetch: typeof globalThis.fetch): Promise<Response | unknown> {
    let current = first;
    for (let attempt = 1; attempt <= retries; attempt++) {
      const response = current instanceof Response ? current : undefined;
      if (response ? !isRetryableStatus(response.status) : !isNetworkError(current)) break;
      const hinted = response && retryAfterMs(response.headers.get('retry-after'), now());
      if (hinted !== undefined && hinted > maxRetryAfterMs) break;
      const delayMs = hinted ?? Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      if (request.signal.aborted) break;
      onRetry?.(response ? { attempt, delayMs, status: response.status, request } : { attempt, delayMs, error: current, request });
      await response?.body?.cancel();
      await sleep(delayMs);
      if (request.signal.aborted) break;
      try {
        current = await fetch(original.clone());
      } catch (error) {
        current = error;
      }
    }
    return current;
  }

  return {
    onRequest({ request, id }) {
      if (retries > 0 && isIdempotentRequest(request)) pending.set(id, request.clone());
    },
    async onError({ request, error, id, options: { fetch } }) {
      const original = pending.get(id);
      pending.delete(id);
      if (!original) return undefined;
      const last = await retry(original, request, error, fetch);
      if (last instanceof Response) return last;
      return last === error || !(last instanceof Error) ? undefined : last;
    },
    async onResponse({ request, response, id, options: { fetch } }) {
      const original = pending.get(id);
      pending.delete(id);
      if (!original) return undefined;
      const last = await retry(original, request, response, fetch);
      if (last instanceof Response) return last === response ? undefined : last;
      // Answered with a 5xx, then no answer at all within the budget: that failure is the outcome.
      throw last;
    },
  };
}
