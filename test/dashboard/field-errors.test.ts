import { describe, expect, it } from 'vitest';
import { AnchorApiError, type Problem } from '../../client/problem.js';
import { fieldErrorsOf } from '../../dashboard/src/field-errors.js';

const FIELDS = ['url', 'description', 'subscribed_events'] as const;

function apiError(problem: Omit<Problem, 'type' | 'title' | 'request_id' | 'error'>): AnchorApiError {
  const full: Problem = {
    type: `https://docs.anchorbrowser.io/webhooks#/errors/${problem.code}`,
    title: problem.code,
    request_id: 'req_0123456789abcdef0123456789abcdef',
    error: { code: problem.status, message: problem.detail },
    ...problem,
  };
  return new AnchorApiError({ status: full.status, code: full.code, detail: full.detail, problem: full });
}

describe('placing a problem next to the form fields', () => {
  it('puts url_not_allowed on the URL field: the server’s sentence, and its rule apart', () => {
    const error = apiError({
      status: 400,
      code: 'url_not_allowed',
      detail: 'scheme_not_https: the scheme is ftp: but only https: is allowed',
      errors: [{ location: 'body', path: '/url', message: 'The scheme is ftp: but only https: is allowed.', rule: 'scheme_not_https' }],
    });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({
      fields: { url: { text: 'The scheme is ftp: but only https: is allowed.', rules: ['scheme_not_https'] } },
      form: undefined,
    });
  });

  it('puts each issue on the field its path points into, once, with no banner when every issue has its field', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid. url: Enter the URL. subscribed_events: Choose at least one subscribed event.',
      errors: [
        { location: 'body', path: '/url', message: 'Enter the URL.', rule: 'minLength' },
        { location: 'body', path: '/subscribed_events', message: 'Choose at least one subscribed event.', rule: 'minItems' },
      ],
    });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({
      fields: { url: { text: 'Enter the URL.', rules: ['minLength'] }, subscribed_events: { text: 'Choose at least one subscribed event.', rules: ['minItems'] } },
      form: undefined,
    });
  });

  it('joins several issues about one field, including those about its items', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid.',
      errors: [
        { location: 'body', path: '/subscribed_events/0', message: 'Unknown value "task.exploded": use one of task.completed.', rule: 'enum' },
        { location: 'body', path: '/subscribed_events', message: 'Remove the duplicates.', rule: 'uniqueItems' },
      ],
    });
    expect(fieldErrorsOf(error, FIELDS).fields.subscribed_events).toEqual({ text: 'Unknown value "task.exploded": use one of task.completed. Remove the duplicates.', rules: ['enum', 'uniqueItems'] });
  });

  it('shows above the form only the issues no field of it shows (other fields, other locations)', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid. colour: Remove "colour". idempotency-key: That is not a valid idempotency key.',
      errors: [
        { location: 'body', path: '/colour', message: 'Remove "colour": it is not a field of this request.', rule: 'additionalProperties' },
        { location: 'header', path: 'url', message: 'That is not a valid idempotency key.' },
        { location: 'body', path: '/url', message: 'Enter the URL.', rule: 'minLength' },
      ],
    });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({
      fields: { url: { text: 'Enter the URL.', rules: ['minLength'] } },
      form: 'Remove "colour": it is not a field of this request. That is not a valid idempotency key.',
    });
  });

  it('shows problems that concern no field at form level: the limit, a disabled webhook', () => {
    const error = apiError({ status: 409, code: 'webhook_limit_reached', detail: 'This project already has 5 webhooks; delete one before creating another.' });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({ fields: {}, form: 'This project already has 5 webhooks; delete one before creating another.' });
  });

  it('says the server could not be reached when fetch itself failed', () => {
    const result = fieldErrorsOf(new TypeError('Failed to fetch'), FIELDS);
    expect(result.fields).toEqual({});
    expect(result.form).toMatch(/^Could not reach the server \(Failed to fetch\)/);
  });

  it('shows a non-problem answer (a proxy page) by its status, not its HTML', () => {
    const error = AnchorApiError.from('<html>Bad gateway</html>', new Response(null, { status: 502, statusText: 'Bad Gateway' }));
    expect(fieldErrorsOf(error, FIELDS)).toEqual({ fields: {}, form: 'The server answered HTTP 502 without a problem body.' });
  });
});
