import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemBody, type ValidationIssue } from '../problem.js';
import { describeIssues, humanIssues, type RawIssue, type RequestView } from './validation-messages.js';
import { requestIdOf } from './response-headers.js';

export function sendProblem(res: Response, error: ProblemError, instance: string): void {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
  const body = problemBody(error.code, error.detail, { requestId: requestIdOf(res), instance, ...(error.extra.errors ? { errors: error.extra.errors } : {}) });
  res.status(error.status).type(PROBLEM_CONTENT_TYPE).json(body);
}

/** Unknown routes: a problem, never Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(req.method, req.path));
};

const notFound = (method: string, path: string) => new ProblemError('not_found', `No route ${method} ${path}.`);

/** The one error middleware: every failure becomes problem+json with a spec `code`. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err, req);
    if (problem.status >= 500) logger.error({ err: describeError(err), method: req.method, path: req.path }, 'request failed');
    sendProblem(res, problem, req.path);
  };
}

/** What `toProblem` reads of the request: its route, and what validation issues are about. */
export type ProblemRequest = Pick<Request, 'method' | 'path'> & Partial<Pick<Request, 'body' | 'query' | 'headers'>>;

/** Maps errors from handlers, body-parser and express-openapi-validator to problems. */
export function toProblem(err: unknown, req: ProblemRequest): ProblemError {
  if (err instanceof ProblemError) return err;
  const e = (err ?? {}) as { status?: number; statusCode?: number; type?: string; code?: unknown; message?: string; errors?: unknown; headers?: Record<string, string> };
  const status = e.status ?? e.statusCode;
  switch (status) {
    case 400:
      if (e.type === 'entity.parse.failed') {
        return new ProblemError('validation_failed', 'The request body is not valid JSON.', {
          errors: [{ location: 'body', path: '', message: 'Send valid JSON: the body could not be parsed.', rule: 'json' }],
        });
      }
      // body-parser passes zlib's own errors (code Z_*) on for a body that does not decompress.
      if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
        return new ProblemError('validation_failed', `The request body could not be decompressed (${e.message ?? e.code}).`, {
          errors: [{ location: 'body', path: '', message: 'Send a body that matches its Content-Encoding, or none.', rule: 'content_encoding' }],
        });
      }
      // body-parser's errors carry a `type` (entity.*, request.*); others here are about the URL.
      return validationProblem(e.errors, e.message, typeof e.type === 'string' ? 'body' : 'path', requestView(req));
    case 401:
      return new ProblemError('unauthorized', 'Missing or unknown anchor-api-key header.');
    case 404:
      return notFound(req.method, req.path);
    case 405: {
      const allow = e.headers?.Allow ?? e.headers?.allow ?? '';
      return new ProblemError('method_not_allowed', `This route accepts ${allow || 'other methods'}.`, { headers: { Allow: allow } });
    }
    case 413:
      return new ProblemError('payload_too_large', 'Request bodies are limited to 64 KiB.');
    case 415:
      return new ProblemError('unsupported_media_type', 'Send the body as application/json.');
    default:
      return new ProblemError('internal_error', 'An unexpected error occurred; it has been logged.');
  }
}

const LOCATIONS: Record<string, ValidationIssue['location']> = { body: 'body', query: 'query', params: 'path', path: 'path', headers: 'header' };

/** The operation express-openapi-validator matched (its schemas, dereferenced) and the values sent. */
function requestView(req: ProblemRequest): RequestView {
  const openapi = (req as { openapi?: { schema?: RequestView['operation']; pathParams?: Record<string, unknown> } }).openapi;
  return { operation: openapi?.schema, body: req.body, query: req.query, headers: req.headers, pathParams: openapi?.pathParams };
}

/**
 * express-openapi-validator reports `/body/url`, `/query/limit`, `/headers/idempotency-key`,
 * `/params/webhook_id`, with Ajv's keyword in `errorCode` (`minLength.openapi.validation`);
 * each becomes a located issue with a sentence a person can act on.
 */
function validationProblem(rawErrors: unknown, message: string | undefined, fallback: ValidationIssue['location'], view: RequestView): ProblemError {
  const raw: RawIssue[] = [];
  for (const error of Array.isArray(rawErrors) ? rawErrors : []) {
    const { path = '', message: text = 'is invalid', errorCode } = error as { path?: string; message?: string; errorCode?: string };
    const keyword = typeof errorCode === 'string' ? errorCode.split('.')[0] : undefined;
    const [, head = '', ...rest] = String(path).split('/');
    const location = LOCATIONS[head];
    if (!location) {
      // Not about a named part of the request, e.g. a malformed percent-encoding in the URL.
      raw.push({ location: 'path', path: '', keyword, message: String(text) });
      continue;
    }
    const pointer = rest.length ? `/${rest.join('/')}` : '';
    // Parameters are named, not pointed at.
    raw.push({ location, path: location === 'body' ? pointer : pointer.slice(1), keyword, message: String(text) });
  }
  if (raw.length === 0) raw.push({ location: fallback, path: '', keyword: undefined, message: message ?? 'is invalid' });
  const issues = humanIssues(raw, view);
  return new ProblemError('validation_failed', `The request is invalid. ${describeIssues(issues)}`, { errors: issues });
}

function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: String(err) };
  // Only name, message and stack: never enumerable extras such as body-parser's raw `body`.
  return { type: err.name, message: err.message, stack: err.stack };
}
