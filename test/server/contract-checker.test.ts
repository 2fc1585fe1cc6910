/** The client-side contract checker must catch what it claims to catch, or the contract tests prove nothing. */
import { describe, expect, it } from 'vitest';
import { contractViolations, pathTemplateOf } from '../support/contract.js';

const problem = (status: number, code: string) =>
  JSON.stringify({ type: `https://docs.anchorbrowser.io/webhooks#/errors/${code}`, title: 'T', status, detail: 'd', code });
const json = 'application/json; charset=utf-8';
const problemJson = 'application/problem+json; charset=utf-8';
const facts = (over: Partial<Parameters<typeof contractViolations>[0]>) => ({
  method: 'GET',
  template: '/v1/webhooks/{webhook_id}',
  status: 404,
  contentType: problemJson,
  headers: new Headers(),
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
    expect(contractViolations({ ...rateLimited, headers: new Headers({ 'retry-after': '1' }) })).toEqual([]);
  });

  it('maps concrete paths to templates', () => {
    expect(pathTemplateOf('/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/rotate-secret')).toBe('/v1/webhooks/{webhook_id}/rotate-secret');
    expect(pathTemplateOf('/v1/webhooks')).toBe('/v1/webhooks');
    expect(pathTemplateOf('/v1/nope')).toBeUndefined();
  });
});
