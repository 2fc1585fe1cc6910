/**
 * The three servers the management benchmark compares, over one database and one set of
 * handlers:
 *
 * - validated: the reference server's own `createApp` (request and response validation,
 *   auth through the validator's security handler, rate-limit middleware, problem mapping);
 * - bare: Express 5 with the same webhook handlers (`webhookHandlers`, registered at their paths) and `webhookOperations`, the same key
 *   check and problem handler, and no validator;
 * - ceiling: `node:http` calling the same operations (the same SQLite statements), no Express.
 *
 * Nothing here restates a handler: the bare and ceiling servers only wire existing modules.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { apiKeySecurityHandler } from '../../server/http/auth.js';
import { BODY_LIMIT_BYTES } from '../../server/http/body.js';
import { problemHandler } from '../../server/http/problem-handler.js';
import { responseHeaders } from '../../server/http/response-headers.js';
import { idempotency } from '../../server/operations/idempotency.js';
import { webhookOperations, type CreateWebhookRequest, type WebhookOperations } from '../../server/operations/webhooks.js';
import { ProblemError, problemBody, PROBLEM_CONTENT_TYPE } from '../../server/problem.js';
import { registerOperationRoutes } from '../../server/http/operation-routes.js';
import { webhookHandlers } from '../../server/routes/webhooks.js';
import type { Runtime } from '../../server/runtime.js';
import type { Resolver } from '../../server/url-policy/types.js';

/** One runtime (`createRuntime`) serves all three; `resolver` is the one it was built with. */
export type BenchDeps = { runtime: Runtime; resolver: Resolver };

export function validatedApp({ runtime }: BenchDeps): Express {
  return runtime.app;
}

function operations({ runtime, resolver }: BenchDeps): WebhookOperations {
  return webhookOperations({ stores: runtime.stores, clock: runtime.clock, resolver, allowPrivateTargets: runtime.config.allowPrivateTargets, idempotency: idempotency({ stores: runtime.stores, clock: runtime.clock }) });
}

/** Express with auth only: the handlers trust whatever arrives, as they would without the spec. */
export function bareApp(deps: BenchDeps): Express {
  const authenticate = apiKeySecurityHandler(deps.runtime.stores.projects);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.use(responseHeaders());
  app.use((req, _res, next) => (authenticate(req) ? next() : next(new ProblemError('unauthorized', 'Missing or unknown anchor-api-key header.'))));
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  registerOperationRoutes(app, webhookHandlers(operations(deps)));
  app.use(problemHandler(deps.runtime.logger));
  return app;
}

const ID_PATH = /^\/v1\/webhooks\/([^/?]+)$/;

/** `node:http` and the same operations: what the database and JSON cost with no framework at all. */
export function ceilingServer(deps: BenchDeps): Server {
  const ops = operations(deps);
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) }).end(text);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, projectId: string) => {
    const path = req.url ?? '/';
    const id = ID_PATH.exec(path)?.[1];
    if (path === '/v1/webhooks' && req.method === 'GET') return send(res, 200, ops.list(projectId));
    if (path === '/v1/webhooks' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const created = await ops.create(projectId, JSON.parse(Buffer.concat(chunks).toString('utf8')) as CreateWebhookRequest, undefined);
      return send(res, created.status, created.body);
    }
    if (id && req.method === 'GET') return send(res, 200, ops.get(projectId, id));
    if (id && req.method === 'DELETE') return send(res, 200, ops.remove(projectId, id));
    throw new ProblemError('not_found', 'No such route.');
  };
  return createServer((req, res) => {
    const key = req.headers['anchor-api-key'];
    const projectId = typeof key === 'string' ? deps.runtime.stores.projects.projectIdForKey(key) : undefined;
    const failed = (err: unknown) => {
      const problem = err instanceof ProblemError ? err : new ProblemError('internal_error', String(err));
      send(res, problem.status, problemBody(problem.code, problem.detail, { requestId: 'req_bench' }), PROBLEM_CONTENT_TYPE);
    };
    if (!projectId) return failed(new ProblemError('unauthorized', 'Missing or unknown anchor-api-key header.'));
    handle(req, res, projectId).catch(failed);
  });
}
