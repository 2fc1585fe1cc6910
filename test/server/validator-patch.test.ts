/**
 * patches/express-openapi-validator+5.6.2.patch is applied (by `patch-package` on install), and
 * the library still answers as it did. Each test checks something only the patched library
 * does, so a version bump or a lost postinstall fails here instead of silently costing the
 * per-request work back. It runs the library on a small spec of its own, not on our server.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// The very module objects the library calls through (`(0, m.fn)(…)` reads the property each call).
const pathToRegexpModule = require('path-to-regexp') as { pathToRegexp: (...args: unknown[]) => unknown };
const urlModule = require('node:url') as { parse: (...args: unknown[]) => unknown };
const eovUtil = require('express-openapi-validator/dist/middlewares/util.js') as { findResponseContent: (...args: unknown[]) => unknown };

const KEY = 'secret-key';
const thing = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^t_[0-9]+$' } } };
const spec = {
  openapi: '3.1.0',
  info: { title: 'patch check', version: '1' },
  security: [{ key: [] }],
  components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } },
  paths: {
    '/things': {
      get: {
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: thing } } } } },
      },
    },
    '/things/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^t_[0-9]+$' } }],
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: thing } } } },
      },
    },
    '/search': {
      get: {
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } }],
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

/** What each handler saw of req.query's own descriptor (the library's Express 5 hack defines one). */
const queryDescriptors: Array<PropertyDescriptor | undefined> = [];
let breakResponse = false;

const middlewares = OpenApiValidator.middleware({
  apiSpec: spec as never,
  validateRequests: true,
  validateResponses: true,
  validateSecurity: { handlers: { key: (req) => req.headers['x-key'] === KEY } },
}) as unknown as RequestHandler[];

const app = express();
app.set('case sensitive routing', true);
app.use(middlewares);
app.get('/things', (req, res) => {
  queryDescriptors.push(Object.getOwnPropertyDescriptor(req, 'query'));
  res.json([{ id: 't_1' }]);
});
app.get('/things/:id', (req, res) => {
  queryDescriptors.push(Object.getOwnPropertyDescriptor(req, 'query'));
  res.json(breakResponse ? { id: 'not-a-thing' } : { id: req.params.id });
});
app.get('/search', (req, res) => {
  queryDescriptors.push(Object.getOwnPropertyDescriptor(req, 'query'));
  res.json({ limit: req.query.limit });
});
app.use(((err: { status?: number; message?: string; headers?: Record<string, string> }, _req: Request, res: Response, _next: NextFunction) => {
  res.status(err.status ?? 500).set(err.headers ?? {}).json({ message: err.message });
}) as express.ErrorRequestHandler);

const server = app.listen(0, '127.0.0.1');
let base = '';
beforeAll(async () => {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Loads the spec and builds every route's validators.
  for (const path of ['/things', '/things/t_1', '/search?limit=2']) expect((await get(path)).status).toBe(200);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (path: string, key = KEY) => fetch(`${base}${path}`, { headers: { 'x-key': key } });

/** Counts calls to `module[name]` while `run` runs. */
async function countCalls<M extends object>(module: M, name: keyof M & string, run: () => Promise<void>): Promise<number> {
  const original = module[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  (module as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    (module as Record<string, unknown>)[name] = original;
  }
  return calls;
}

const getSeveral = async () => {
  for (let i = 0; i < 5; i++) {
    expect((await get(`/things/t_${i}`)).status).toBe(200);
    expect((await get('/things')).status).toBe(200);
  }
};

afterEach(() => {
  breakResponse = false;
  queryDescriptors.length = 0;
});

describe('express-openapi-validator patch', () => {
  it('is made for the installed version (re-check the patch before bumping it)', () => {
    expect((require('express-openapi-validator/package.json') as { version: string }).version).toBe('5.6.2');
  });

  it('compiles the route matchers once, not on every request', async () => {
    expect(await countCalls(pathToRegexpModule, 'pathToRegexp', getSeveral)).toBe(0);
  });

  it('tries a path only against the routes with as many slashes', () => {
    // Called directly (no Express router, whose own matchers would count too): the metadata middleware.
    const metadata = middlewares[1]!;
    const execsFor = (path: string) => {
      const exec = RegExp.prototype.exec;
      let calls = 0;
      RegExp.prototype.exec = function (this: RegExp, text: string) {
        if (this.source.startsWith('^(?:\\/')) calls++;
        return exec.call(this, text);
      };
      try {
        const req = { method: 'GET', url: path, originalUrl: path, baseUrl: '', path, headers: {}, app, params: {}, query: {} } as unknown as Request;
        let failed: unknown;
        metadata(req, {} as Response, (err?: unknown) => (failed = err));
        expect(failed).toBeUndefined();
        return { calls, route: (req as Request & { openapi?: { openApiRoute: string } }).openapi?.openApiRoute };
      } finally {
        RegExp.prototype.exec = exec;
      }
    };
    // Unpatched, the one-slash routes listed before '/things/{id}' are tried first.
    expect(execsFor('/things/t_1')).toEqual({ calls: 1, route: '/things/{id}' });
    // A trailing slash is not a segment: the matchers admit one.
    expect(execsFor('/things/t_1/')).toEqual({ calls: 1, route: '/things/{id}' });
  });

  it('decides the response content type once per route and status, not per response', async () => {
    expect(await countCalls(eovUtil, 'findResponseContent', getSeveral)).toBe(0);
  });

  it('leaves the URL unparsed and req.query as Express made it for operations without query parameters', async () => {
    expect(await countCalls(urlModule, 'parse', getSeveral)).toBe(0);
    expect(queryDescriptors).toHaveLength(10);
    expect(queryDescriptors.every((d) => d === undefined)).toBe(true);
  });

  it('runs its middleware in the calling tick once the spec has loaded, a boolean security handler included', () => {
    const calls: Array<{ err: unknown; sync: boolean }> = [];
    const fakeRequest = (key: string) =>
      ({ method: 'GET', url: '/things/t_1', originalUrl: '/things/t_1', baseUrl: '', path: '/things/t_1', headers: { 'x-key': key }, app, params: {}, query: {} }) as unknown as Request;
    for (const key of [KEY, 'wrong']) {
      const req = fakeRequest(key);
      // pathParams, metadata, security: the unpatched library defers each to a promise.
      for (const mw of middlewares.slice(0, 3)) {
        let sync = true;
        let err: unknown;
        let called = false;
        mw(req, {} as Response, (e?: unknown) => {
          called = true;
          err = e;
          calls.push({ err, sync });
        });
        sync = false;
        if (!called || err) break;
      }
    }
    expect(calls.map((c) => c.sync)).toEqual([true, true, true, true, true, true]);
    expect(calls.slice(0, 3).every((c) => c.err === undefined)).toBe(true);
    expect(calls[5]!.err).toMatchObject({ status: 401 });
  });
});

describe('with the patch, the library answers as before', () => {
  it('coerces declared query parameters and keeps them on req.query', async () => {
    const res = await get('/search?limit=3');
    expect(await res.json()).toEqual({ limit: 3 });
    expect(queryDescriptors[0]).toMatchObject({ writable: true });
  });

  it('refuses an unknown query parameter, by the name sent, on an operation without any', async () => {
    const res = await get('/things?page=2');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "Unknown query parameter 'page'" });
    const bracketed = await get('/things?page[size]=2');
    expect(await bracketed.json()).toEqual({ message: "Unknown query parameter 'page'" });
  });

  it('answers 401 for a failed security handler, 404, 405 with Allow, and 400 for a bad path parameter', async () => {
    expect((await get('/things/t_1', 'wrong')).status).toBe(401);
    expect((await get('/nothing')).status).toBe(404);
    const post = await fetch(`${base}/things`, { method: 'POST', headers: { 'x-key': KEY } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await get('/things/nope')).status).toBe(400);
  });

  it('still catches a response that breaks the schema', async () => {
    breakResponse = true;
    const res = await get('/things/t_1');
    expect(res.status).toBe(500);
    expect((await res.json()).message).toMatch(/pattern/);
  });
});
