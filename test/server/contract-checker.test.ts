/** The client-side contract checker must catch what it claims to catch, or the contract tests prove nothing. */
import { describe, expect, it } from 'vitest';
import { contractViolations, pathTemplateOf } from '../support/contract.js';

const problem = (status: number, code: string) =>
  JSON.stringify({ type: `https://docs.anchorbrowser.io/webhooks#/errors/${code}`, title: 'T', status, detail: 'd', code, request_id: 'req_1', error: { code: status, message: 'd' } });
const webhook = {
  id: 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y',
  project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197',
  url: 'https://your-app.example.com/anchor/webhooks',
  description: null,
  subscribed_events: ['task.completed'],
  enabled: true,
  disabled_reason: null,
  previous_secret_expires_at: null,
  created_at: '2026-05-14T09:21:07.412Z',
  updated_at: '2026-05-14T09:21:07.412Z',
};
const withRequestId = (init: Record<string, string> = {}) => new Headers({ 'request-id': 'req_1', ...init });
const json = 'application/json; charset=utf-8';
const problemJson = 'application/problem+json; charset=utf-8';
const facts = (over: Partial<Parameters<typeof contractViolations>[0]>) => ({
  method: 'GET',
  template: '/v1/webhooks/{webhook_id}',
  status: 404,
  contentType: problemJson,
  headers: withRequestId(),
  bodyText: problem(404, 'webhook_not_found'),
  ...over,
});

describe('contractViolations', () => {
  it('accepts a documented response', () => {
    expect(contractViolations(facts({}))).toEqual([]);
  });

  it('rejects an undocumented status', () => {
    expect(contractViolations(facts({ status: 409, bodyText: problem(409, 'webhook_limit_reached') }))).toEqual([
      expect.stringContaining('status 409 is not documented'),
    ]);
  });

  it('rejects a content type the response does not list', () => {
    expect(contractViolations(facts({ contentType: 'text/html' }))[0]).toContain('content type');
  });

  it('rejects a body that breaks the schema, and a problem whose status disagrees', () => {
    // `code` is an open set (a later release adds codes): a string it does not list is valid, a number is not.
    expect(contractViolations(facts({ bodyText: problem(404, 'no_such_code') }))).toEqual([]);
    expect(contractViolations(facts({ bodyText: problem(404, 42 as never) }))[0]).toContain('breaks the schema');
    expect(contractViolations(facts({ bodyText: problem(400, 'webhook_not_found') }))[0]).toContain('problem.status');
    expect(contractViolations(facts({ status: 200, contentType: json, bodyText: '{"id":"wh_1"}' }))[0]).toContain('breaks the schema');
  });

  it('rejects a missing documented header (Retry-After on 429)', () => {
    const rateLimited = facts({ status: 429, bodyText: problem(429, 'rate_limited') });
    expect(contractViolations(rateLimited)).toEqual([expect.stringContaining('Retry-After')]);
    expect(contractViolations({ ...rateLimited, headers: withRequestId({ 'retry-after': '1' }) })).toEqual([]);
  });

  it('rejects an answer without its Request-Id', () => {
    expect(contractViolations(facts({ headers: new Headers() }))).toEqual([expect.stringContaining('header Request-Id is missing')]);
  });

  it('rejects a problem without the live API\'s `error` member', () => {
    const { error: _error, ...withoutError } = JSON.parse(problem(404, 'webhook_not_found'));
    expect(contractViolations(facts({ bodyText: JSON.stringify(withoutError) }))[0]).toContain("must have required property 'error'");
  });

  it('rejects a field the spec does not document, though the published schema is open (a secret on GET)', () => {
    const get = { status: 200, contentType: json };
    expect(contractViolations(facts({ ...get, bodyText: JSON.stringify(webhook) }))).toEqual([]);
    const leaked = contractViolations(facts({ ...get, bodyText: JSON.stringify({ ...webhook, secret: 'ab'.repeat(32) }) }));
    expect(leaked).toEqual([expect.stringContaining('has a field the spec does not document')]);
    expect(leaked[0]).toContain('unevaluated properties');
    // A documented field nested in an array is checked the same way.
    const list = { status: 200, contentType: json, template: '/v1/webhooks' };
    expect(contractViolations(facts({ ...list, bodyText: JSON.stringify({ data: { count: 1, items: [webhook] } }) }))).toEqual([]);
    expect(contractViolations(facts({ ...list, bodyText: JSON.stringify({ data: { count: 1, items: [{ ...webhook, secret: 'x' }] } }) }))).toHaveLength(1);
  });

  it('maps concrete paths to templates', () => {
    expect(pathTemplateOf('/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/rotate-secret')).toBe('/v1/webhooks/{webhook_id}/rotate-secret');
    expect(pathTemplateOf('/v1/webhooks')).toBe('/v1/webhooks');
    expect(pathTemplateOf('/v1/nope')).toBeUndefined();
  });
});
