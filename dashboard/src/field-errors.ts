import { AnchorApiError } from '../../client/problem.js';
import { describeError } from './api.js';

/** Errors of a failed form submission: one message per field, and what concerns no field. */
export type FieldErrors<F extends string> = { fields: Partial<Record<F, string>>; form: string | undefined };

export const noErrors = <F extends string>(): FieldErrors<F> => ({ fields: {}, form: undefined });

/**
 * Places a problem's messages next to the fields they concern. `validation_failed` issues
 * land on the field their `errors[].path` points into (`/subscribed_events/0` → `subscribed_events`)
 * and the `detail`, which sums them all up, heads the form; `url_not_allowed` is about `url` and its
 * `detail` names the rule. Anything else is a form-level message.
 */
export function fieldErrorsOf<F extends string>(error: unknown, fields: readonly F[]): FieldErrors<F> {
  const result: FieldErrors<F> = noErrors();
  if (!(error instanceof AnchorApiError)) return { ...result, form: describeError(error) };
  const isField = (name: string | undefined): name is F => name !== undefined && (fields as readonly string[]).includes(name);

  if (error.code === 'url_not_allowed' && isField('url')) {
    result.fields['url' as F] = error.detail;
    return result;
  }
  for (const issue of error.errors ?? []) {
    const field = issue.location === 'body' ? issue.path.split('/')[1] : undefined;
    if (isField(field)) {
      const previous = result.fields[field];
      result.fields[field] = previous ? `${previous}; ${issue.message}` : issue.message;
    }
  }
  // The detail sums up every issue (and covers those no field shows).
  result.form = describeError(error);
  return result;
}
