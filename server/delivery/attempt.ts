import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { DeliveryErrorClass } from '../storage/deliveries.js';
import { CONNECTION_POOL, urlPolicyViolationOf, type Preflight } from './agent.js';

export type AttemptRequest = {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The webhook: its attempts share one connection pool, capped by the per-webhook limit. */
  webhookId?: string;
};

export type AttemptOptions = {
  /** The undici agent whose connect-time lookup enforces the URL rules. */
  agent: Dispatcher;
  /** Covers the whole attempt: connect, headers and the part of the body read. */
  timeoutMs: number;
  /**
   * Aborted at the attempt's deadline, when the caller keeps one for several attempts that
   * started together (one timer instead of one each); otherwise the attempt sets its own.
   */
  deadline?: AbortSignal;
  /** The URL rules that need no DNS (IP literals), checked before connecting. */
  preflight: Preflight;
};

export type AttemptOutcome = {
  /** True for a 2xx within the timeout. */
  ok: boolean;
  statusCode: number | null;
  error: DeliveryErrorClass;
  errorMessage: string | null;
  /** The first 1 KiB of the response body, or null when there was none. */
  responseExcerpt: string | null;
  /** The response's headers (lowercase names, bounded), or null when there was no response. */
  responseHeaders?: Record<string, string> | null;
  durationMs: number;
  /** The `Retry-After` header of a 429 or 503, as sent. */
  retryAfter: string | null;
};

const EXCERPT_BYTES = 1024;
/** Beyond the excerpt, this much more is read and discarded to keep the connection reusable; past it, the connection is dropped. */
const DRAIN_BYTES = 64 * 1024;
const MAX_MESSAGE = 1024;
/** What is kept of a response's headers: enough to debug a receiver, bounded whatever it sends. */
const MAX_HEADERS = 50;
const MAX_HEADER_CHARS = 4096;

/**
 * One POST of a delivery. Never throws: every failure becomes an outcome with its error class.
 *
 * It talks to undici's dispatcher directly: a handler keeps the first 1 KiB of the body as it
 * arrives and reads on (at most DRAIN_BYTES more) only to keep the connection reusable, then
 * drops it. `request()` would wrap every answer in a Readable stream with an async context,
 * which cost more than the rest of the attempt for the small answers receivers send.
 */
export function sendAttempt(req: AttemptRequest, options: AttemptOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  const failure = (error: Exclude<DeliveryErrorClass, null>, message: string): AttemptOutcome => ({
    ok: false,
    statusCode: null,
    error,
    errorMessage: truncate(message),
    responseExcerpt: null,
    durationMs: elapsed(),
    retryAfter: null,
  });

  // Node skips `lookup` for IP-literal hosts, so the agent's guarded lookup never sees them: check here.
  const refused = options.preflight(req.url);
  if (refused) return Promise.resolve(failure('url_not_allowed', `Not delivered: ${refused.rule}: ${refused.detail}`));

  return new Promise<AttemptOutcome>((resolve) => {
    const own = options.deadline ? null : new AbortController();
    const signal = options.deadline ?? own!.signal;
    const timer = own ? setTimeout(() => own.abort(), options.timeoutMs) : null;
    let controller: Dispatcher.DispatchController | null = null;
    let response: { statusCode: number; headers: IncomingHeaders } | null = null;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    /** Set when the body ran past the drain bound and the connection was dropped on purpose. */
    let dropped = false;
    let settled = false;

    const onAbort = () => controller?.abort(new Error('attempt deadline'));
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const answered = () => {
      if (!response) return settle(failure('connection', 'The connection ended without a final answer.'));
      const { statusCode, headers } = response;
      const excerpt = keptBytes === 0 ? null : new TextDecoder().decode(kept.length === 1 ? kept[0] : Buffer.concat(kept, keptBytes));
      settle(outcomeOf(statusCode, headers, excerpt, elapsed()));
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        // A deadline that passed while the request waited for a connection ends it now.
        if (signal.aborted) c.abort(new Error('attempt deadline'));
      },
      onResponseStart(_c, statusCode, headers) {
        // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
        if (statusCode >= 200) response = { statusCode, headers: headers as IncomingHeaders };
      },
      onResponseData(c, chunk) {
        if (keptBytes < EXCERPT_BYTES) {
          const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        total += chunk.length;
        if (total > EXCERPT_BYTES + DRAIN_BYTES && !dropped) {
          // Past the drain bound: the answer is known; the rest is not worth a connection.
          dropped = true;
          c.abort(new Error('response body past the drain bound'));
        }
      },
      onResponseEnd() {
        answered();
      },
      onResponseError(_c, err) {
        if (dropped && response) return answered();
        if (signal.aborted) return settle(failure('timeout', `No complete answer within ${options.timeoutMs} ms.`));
        const [error, message] = classify(err);
        settle(failure(error, message));
      },
    };

    if (signal.aborted) return settle(failure('timeout', `No complete answer within ${options.timeoutMs} ms.`));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const url = new URL(req.url);
      options.agent.dispatch(
        {
          origin: url.origin,
          path: url.search ? `${url.pathname}${url.search}` : url.pathname,
          method: 'POST',
          headers: req.headers,
          body: req.body,
          ...(req.webhookId ? ({ [CONNECTION_POOL]: req.webhookId } as object) : {}),
        },
        handler,
      );
    } catch (err) {
      const [error, message] = classify(err);
      settle(failure(error, message));
    }
  });
}

type IncomingHeaders = Record<string, string | string[] | undefined>;

/** The outcome of an answered attempt, from its status, headers and excerpt. */
function outcomeOf(statusCode: number, headers: IncomingHeaders, responseExcerpt: string | null, durationMs: number): AttemptOutcome {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  const base = { statusCode, responseExcerpt, responseHeaders: keptHeaders(headers), durationMs, retryAfter: null };
  if (statusCode >= 200 && statusCode < 300) return { ...base, ok: true, error: null, errorMessage: null };
  if (statusCode >= 300 && statusCode < 400) {
    const location = header('location');
    return { ...base, ok: false, error: 'redirect', errorMessage: truncate(`The receiver answered ${statusCode}${location ? ` (Location: ${location})` : ''}; redirects are not followed.`) };
  }
  const retryAfter = statusCode === 429 || statusCode === 503 ? header('retry-after') : null;
  return { ...base, ok: false, error: 'http_status', errorMessage: `The receiver answered ${statusCode}.`, retryAfter };
}

/** The response's headers as received (repeated ones joined), up to MAX_HEADERS names and MAX_HEADER_CHARS characters. */
export function keptHeaders(headers: IncomingHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  let chars = 0;
  for (const [name, raw] of Object.entries(headers).slice(0, MAX_HEADERS)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    chars += name.length + value.length;
    if (chars > MAX_HEADER_CHARS) break;
    kept[name] = value;
  }
  return kept;
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TLS_CODES: ReadonlySet<string> = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** Maps a thrown connection-level error to its `DeliveryErrorClass` and a message for the log. */
export function classify(err: unknown): [Exclude<DeliveryErrorClass, null>, string] {
  const violation = urlPolicyViolationOf(err);
  if (violation) return ['url_not_allowed', `Not connected: ${violation.rule}: ${violation.detail}`];
  const code = codeOf(err);
  const message = messageOf(err);
  if (code && TIMEOUT_CODES.has(code)) return ['timeout', message];
  if (code && DNS_CODES.has(code)) return ['dns', message];
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_'))) return ['tls', message];
  return ['connection', message];
}

/** The first `code` along the error's `cause` chain. */
function codeOf(err: unknown): string | undefined {
  for (let e: any = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET') return e.code;
  }
  return (err as any)?.code;
}

function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: any = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.message === 'string' && e.message && !parts.includes(e.message)) parts.push(e.code ? `${e.message} (${e.code})` : e.message);
  }
  return truncate(parts.join(': ') || String(err));
}

function truncate(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}
