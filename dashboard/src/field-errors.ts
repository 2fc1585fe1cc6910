import { AnchorApiError } from '../../client/problem.js';
import { describeError } from './api.js';

/** What is wrong with one field: the server's sentences, and the rules they name (`minLength`, `scheme_not_https`). */
export type FieldError = { text: string; rules: string[] };

/** Errors of a failed form submission: one per field, and what concerns no field (shown above the form). */
export type FieldErrors<F extends string> = { fields: Partial<Record<F, FieldError>>; form: string | undefined };

export const noErrors = <F extends string>(): FieldErrors<F> => ({ fields: {}, form: undefined });

/**
 * Places a problem's issues next to the fields they concern: each `errors[]` entry lands on
 * the field its body `path` points into (`/subscribed_events/0` → `subscribed_events`). The
 * server writes each `message` for a person, so it is shown as is, once. What no field of
 * this form shows (or a problem without `errors[]`) is a form-level message; when every issue
 * has its field, there is none.
 */
export function fieldErrorsOf<F extends string>(error: unknown, fields: readonly F[]): FieldErrors<F> {
  const result: FieldErrors<F> = noErrors();
  if (!(error instanceof AnchorApiError)) return { ...result, form: describeError(error) };
  const issues = error.errors ?? [];
  if (issues.length === 0) return { ...result, form: describeError(error) };

  const unplaced: string[] = [];
  for (const issue of issues) {
    const field = issue.location === 'body' ? issue.path.split('/')[1] : undefined;
    if (field === undefined || !(fields as readonly string[]).includes(field)) {
      unplaced.push(issue.message);
      continue;
    }
    const current = (result.fields[field as F] ??= { text: '', rules: [] });
    current.text = current.text ? `${current.text} ${issue.message}` : issue.message;
    if (issue.rule && !current.rules.includes(issue.rule)) current.rules.push(issue.rule);
  }
  result.form = unplaced.length ? unplaced.join(' ') : undefined;
  return result;
}
