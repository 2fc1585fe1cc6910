import type { components } from '../generated/schema.js';
import { problemCodes } from '../generated/contract.js';
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

/** The RFC 9457 body of a problem code; status and title come from the spec's `x-problem-codes`. */
export function problemBody(code: ProblemCode, detail: string, instance?: string, errors?: ValidationIssue[]): Problem {
  const { status, title } = problemCodes[code];
  return {
    type: `${TYPE_BASE}${code}`,
    title,
    status,
    detail,
    code,
    ...(instance !== undefined ? { instance } : {}),
    ...(errors ? { errors } : {}),
  };
}
