import type { components } from '../generated/schema.js';
import { problemBounds, problemCodes } from '../generated/contract.js';
import type { ProblemCode } from './spec.js';

export type Problem = components['schemas']['Problem'];
export type ValidationIssue = components['schemas']['ValidationIssue'];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/**
 * A problem's `type` is the link to its code's entry in the docs: the published page, then
 * the Redoc route of the entry (`### <code>` under `# Errors {% #errors %}` in
 * openapi/info-description.md). The same `#/errors/<code>` works on the reference server's /docs.
 */
export const TYPE_BASE = 'https://docs.anchorbrowser.io/webhooks#/errors/';

/** `the URL is empty` → `The URL is empty.`: a problem's fragments as sentences for a person. */
export const asSentence = (text: string): string => {
  const trimmed = text.trim();
  return (trimmed.charAt(0).toUpperCase() + trimmed.slice(1)).replace(/([^.!?])$/, '$1.');
};

/** A failure a handler means to report: thrown (or passed to next) and rendered as problem+json. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: { errors?: ValidationIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(`${code}: ${detail}`);
  }
  get status(): number {
    return problemCodes[this.code].status;
  }
}

/** What a problem says about the request it answers: its id (`Request-Id`), path and invalid values. */
export type ProblemContext = { requestId: string; instance?: string; errors?: ValidationIssue[] };

/**
 * The RFC 9457 body of a problem code; status and title come from the spec's `x-problem-codes`.
 * It carries the request's id and, as `error`, the same failure in the live API's error shape.
 * Every part is cut to the spec's bounds (a request with thousands of invalid values, a path of
 * kilobytes), so the answer about a bad request is never itself invalid.
 */
export function problemBody(code: ProblemCode, detail: string, { requestId, instance, errors }: ProblemContext): Problem {
  const { status, title } = problemCodes[code];
  const listed = errors?.slice(0, problemBounds.errors).map((issue) => ({
    ...issue,
    path: cut(issue.path, problemBounds.issuePath),
    message: cut(issue.message, problemBounds.issueMessage),
  }));
  const fullDetail = errors && errors.length > problemBounds.errors ? `${detail} (${errors.length} invalid values; the first ${problemBounds.errors} are listed.)` : detail;
  const shownDetail = cut(fullDetail, problemBounds.detail);
  return {
    type: `${TYPE_BASE}${code}`,
    title,
    status,
    detail: shownDetail,
    code,
    ...(instance !== undefined ? { instance: cut(instance, problemBounds.instance) } : {}),
    request_id: requestId,
    error: { code: status, message: shownDetail },
    ...(listed ? { errors: listed } : {}),
  };
}

/** The same problem answered with another status (a page that is not built yet: 503). */
export function withStatus(problem: Problem, status: number, title: string): Problem {
  return { ...problem, status, title, error: { ...problem.error, code: status } };
}

/** At most `max` characters, ending with `…` when cut; never half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}
