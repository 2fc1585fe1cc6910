import { describe, expect, it } from 'vitest';
import { AnchorApiError, type Problem } from '../../client/problem.js';
import { fieldErrorsOf } from '../../dashboard/src/field-errors.js';

const FIELDS = ['url', 'description', 'subscribed_events'] as const;

function apiError(problem: Omit<Problem, 'type' | 'title'>): AnchorApiError {
  const full: Problem = { type: `https://docs.anchorbrowser.io/webhooks#/errors/${problem.code}`, title: problem.code, ...problem };
  return new AnchorApiError({ status: full.status, code: full.code, detail: full.detail, problem: full });
}

describe('placing a problem next to the form fields', () => {
  it('puts url_not_allowed on the URL field with the rule the server named', () => {
    const error = apiError({ status: 400, code: 'url_not_allowed', detail: 'scheme_not_https: the URL must use https: (got ftp:).' });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({ fields: { url: 'scheme_not_https: the URL must use https: (got ftp:).' }, form: undefined });
  });

  it('puts each validation issue on the field its path points into, and heads the form with the detail', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid: body/subscribed_events must NOT have fewer than 1 items; body/description must NOT have more than 256 characters.',
      errors: [
        { location: 'body', path: '/subscribed_events', message: 'must NOT have fewer than 1 items' },
        { location: 'body', path: '/description', message: 'must NOT have more than 256 characters' },
      ],
    });
    const result = fieldErrorsOf(error, FIELDS);
    expect(result.fields).toEqual({ subscribed_events: 'must NOT have fewer than 1 items', description: 'must NOT have more than 256 characters' });
    expect(result.form).toBe(error.detail);
  });

  it('joins several issues about one field, including those about its items', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid.',
      errors: [
        { location: 'body', path: '/subscribed_events/0', message: 'must be equal to one of the allowed values' },
        { location: 'body', path: '/subscribed_events', message: 'must NOT have duplicate items' },
      ],
    });
    expect(fieldErrorsOf(error, FIELDS).fields.subscribed_events).toBe('must be equal to one of the allowed values; must NOT have duplicate items');
  });

  it('leaves issues about fields the form does not have (or other locations) to the form-level detail', () => {
    const error = apiError({
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid: body must NOT have additional properties; header/idempotency-key is too long.',
      errors: [
        { location: 'body', path: '', message: 'must NOT have additional properties' },
        { location: 'header', path: 'url', message: 'is too long' },
      ],
    });
    expect(fieldErrorsOf(error, FIELDS)).toEqual({ fields: {}, form: error.detail });
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
