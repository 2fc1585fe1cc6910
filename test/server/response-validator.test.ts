/**
 * server/response-validator.ts on a small Express app: a response the spec allows goes out
 * untouched; one that breaks its schema, uses a status the operation does not declare, or
 * has a body where the spec has none becomes an error for the error handler (the server maps
 * it to 500 internal_error); 5xx bodies and routes outside the spec are not checked.
 * Loopback only.
 */
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseValidationError, responseValidator } from '../../server/response-validator.js';

const problem = { type: 'object', required: ['code'], properties: { code: { type: 'string' } } };
const webhook = { type: 'object', required: ['id', 'url'], properties: { id: { type: 'string', format: 'uuid' }, url: { type: 'string', format: 'uri' } } };
// One schema object under two statuses and two operations, as in the dereferenced spec.
const getOperation = { responses: { '200': { content: { 'application/json': { schema: webhook } } }, '404': { content: { 'application/problem+json': { schema: problem } } } } };
const deleteOperation = { responses: { '204': {}, '4XX': { content: { 'application/problem+json': { schema: problem } } } } };

let base = '';
let server: ReturnType<express.Express['listen']>;
const seen: unknown[] = [];

beforeAll(async () => {
  const app = express();
  app.use((req, _res, next) => {
    const operation = req.method === 'GET' ? getOperation : req.method === 'DELETE' ? deleteOperation : undefined;
    if (operation && req.path.startsWith('/hooks')) Object.assign(req, { openapi: { schema: operation } });
    next();
  });
  app.use(responseValidator());
  app.get('/hooks/good', (_req, res) => {
    res.json({ id: '0b7e4f3c-3f7a-4d5e-9c1a-2b3c4d5e6f70', url: 'https://example.com/hook' });
  });
  app.get('/hooks/bad-format', (_req, res) => {
    res.json({ id: 'not-a-uuid', url: 'https://example.com/hook' });
  });
  app.get('/hooks/missing', (_req, res) => {
    res.status(404).type('application/problem+json').json({ code: 'webhook_not_found' });
  });
  app.get('/hooks/undeclared', (_req, res) => {
    res.status(409).json({ code: 'conflict' });
  });
  app.get('/hooks/crash', (_req, res) => {
    res.status(500).json({ anything: true });
  });
  app.delete('/hooks/body', (_req, res) => {
    res.status(204).json({ deleted: true });
  });
  app.delete('/hooks/gone', (_req, res) => {
    res.status(410).type('application/problem+json').json({ code: 'gone' });
  });
  app.get('/outside', (_req, res) => {
    res.json({ not: 'in the spec' });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    seen.push(err);
    res.status(500).json({ code: 'internal_error', validation: err instanceof ResponseValidationError ? err.message : 'other' });
  };
  app.use(onError);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, method = 'GET') {
  const res = await fetch(base + path, { method });
  return { status: res.status, body: (await res.text()) || undefined };
}

describe('responseValidator', () => {
  it('lets a response that matches its status and media type through unchanged', async () => {
    expect(await get('/hooks/good')).toEqual({ status: 200, body: JSON.stringify({ id: '0b7e4f3c-3f7a-4d5e-9c1a-2b3c4d5e6f70', url: 'https://example.com/hook' }) });
    expect(await get('/hooks/missing')).toEqual({ status: 404, body: JSON.stringify({ code: 'webhook_not_found' }) });
    // 4XX covers a status the operation does not list one by one.
    expect(await get('/hooks/gone', 'DELETE')).toEqual({ status: 410, body: JSON.stringify({ code: 'gone' }) });
  });

  it('turns a body that breaks the schema (formats included) into an error, never sending it', async () => {
    const res = await get('/hooks/bad-format');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ code: 'internal_error', validation: expect.stringContaining('must match format "uuid"') });
    expect(res.body).not.toContain('not-a-uuid');
  });

  it('turns an undeclared status, or a body where the spec has none, into an error', async () => {
    expect(JSON.parse((await get('/hooks/undeclared')).body!)).toEqual({ code: 'internal_error', validation: "no schema defined for status code '409' in the openapi spec" });
    expect(JSON.parse((await get('/hooks/body', 'DELETE')).body!)).toEqual({ code: 'internal_error', validation: 'response should NOT have a body' });
  });

  it('does not check 5xx bodies or routes outside the spec', async () => {
    const errorsBefore = seen.length;
    expect(await get('/hooks/crash')).toEqual({ status: 500, body: JSON.stringify({ anything: true }) });
    expect(await get('/outside')).toEqual({ status: 200, body: JSON.stringify({ not: 'in the spec' }) });
    expect(seen.length).toBe(errorsBefore);
  });
});
