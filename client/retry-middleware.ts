import type { Middleware } from 'openapi-fetch';

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
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; status: number; request: Request }) => void;
}

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

/** `Retry-After` in ms (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Retries idempotent requests answered 429 or 5xx, with exponential backoff and full
 * jitter, waiting exactly `Retry-After` when the server sends one. Register it after any
 * middleware that changes the request: it replays the request as it saw it.
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

  return {
    onRequest({ request, id }) {
      if (retries > 0 && isIdempotentRequest(request)) pending.set(id, request.clone());
    },
    onError({ id }) {
      pending.delete(id);
    },
    async onResponse({ request, response, id, options: { fetch } }) {
      const original = pending.get(id);
      pending.delete(id);
      if (!original) return undefined;
      let current = response;
      for (let attempt = 1; attempt <= retries && isRetryableStatus(current.status); attempt++) {
        const hinted = retryAfterMs(current.headers.get('retry-after'), now());
        if (hinted !== undefined && hinted > maxRetryAfterMs) break;
        const delayMs = hinted ?? Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
        if (request.signal.aborted) break;
        onRetry?.({ attempt, delayMs, status: current.status, request });
        await current.body?.cancel();
        await sleep(delayMs);
        current = await fetch(original.clone());
      }
      return current === response ? undefined : current;
    },
  };
}
