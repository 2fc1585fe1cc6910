import type { components } from '../generated/schema.js';
import { parseRateLimit, type RateLimitInfo } from './rate-limit.js';

/** An RFC 9457 problem as the API answers it (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];
export type ProblemCode = components['schemas']['ProblemCode'];

/** True for a body shaped like the spec's `Problem`: what every documented error answer is. */
export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.status === 'number' && typeof v.title === 'string' && typeof v.detail === 'string';
}

/**
 * An error answer of the API as an exception. `code` is the spec's stable
 * `ProblemCode`, or `unexpected_response` when the answer was not a problem (a proxy's
 * HTML page, an empty 502…).
 */
export class AnchorApiError extends Error {
  override readonly name = 'AnchorApiError';
  readonly status: number;
  readonly code: ProblemCode | 'unexpected_response';
  readonly detail: string;
  /** The problem body as received, when it was one. */
  readonly problem: Problem | undefined;
  readonly response: Response | undefined;
  /** The answer's `Request-Id` (also the problem's `request_id`): quote it when you report a problem. */
  readonly requestId: string | undefined;
  /** The answer's `RateLimit-Policy` and `RateLimit` headers, parsed; after a 429, `remaining` is 0. */
  readonly rateLimit: RateLimitInfo | undefined;

  constructor(init: { status: number; code: AnchorApiError['code']; detail: string; problem?: Problem; response?: Response }) {
    super(`${init.status} ${init.code}: ${init.detail}${requestIdOf(init.problem, init.response) ? ` (request ${requestIdOf(init.problem, init.response)})` : ''}`);
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.problem = init.problem;
    this.response = init.response;
    this.requestId = requestIdOf(init.problem, init.response);
    this.rateLimit = init.response ? parseRateLimit(init.response.headers) : undefined;
  }

  /** The issues of a `validation_failed` or `url_not_allowed` answer: where, a sentence for a person, and the rule broken. */
  get errors(): Problem['errors'] {
    return this.problem?.errors;
  }

  static from(error: unknown, response: Response): AnchorApiError {
    if (isProblem(error)) return new AnchorApiError({ status: error.status, code: error.code, detail: error.detail, problem: error, response });
    const text = typeof error === 'string' ? error.slice(0, 200) : '';
    return new AnchorApiError({
      status: response.status,
      code: 'unexpected_response',
      detail: text || `HTTP ${response.status} ${response.statusText}`.trim(),
      response,
    });
  }
}

/** The id of an answer: the problem's `request_id`, else its `Request-Id` header. */
function requestIdOf(problem: Problem | undefined, response: Response | undefined): string | undefined {
  const fromBody = (problem as { request_id?: unknown } | undefined)?.request_id;
  return typeof fromBody === 'string' ? fromBody : (response?.headers.get('request-id') ?? undefined);
}

type FetchResult = { data?: unknown; error?: unknown; response: Response };

/**
 * Unwraps an openapi-fetch result: the data on success, an `AnchorApiError` thrown
 * otherwise. Types still come from the spec:
 *
 * ```ts
 * const webhook = await throwOnError(anchor.GET('/v1/webhooks/{webhook_id}', { params }));
 * ```
 */
export async function throwOnError<R extends FetchResult>(result: R | Promise<R>): Promise<Extract<R, { error?: never }>['data']> {
  const { data, error, response } = await result;
  if (error !== undefined || !response.ok) throw AnchorApiError.from(error, response);
  return data as Extract<R, { error?: never }>['data'];
}
