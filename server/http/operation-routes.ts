import type { IRouter, NextFunction, Request, RequestHandler, Response } from 'express';
import { operations } from '../../generated/contract.js';

export type OperationId = (typeof operations)[number]['operationId'];

/** A spec operation's handler: the validator has checked its body, parameters and headers. */
export type OperationHandler = (req: Request, res: Response, next: NextFunction) => void | Promise<void>;
export type OperationHandlers<Id extends OperationId = OperationId> = { readonly [K in Id]: OperationHandler };

/** What express-openapi-validator leaves on a request it matched to an operation. */
type MatchedRequest = Request & { openapi?: { schema?: { operationId?: string }; pathParams?: Record<string, string> } };

/**
 * One layer that runs the handler of the operation express-openapi-validator matched: the
 * validator has already routed the request (method and path against the spec), so Express does
 * not route it a second time through a layer per operation. A request the validator did not
 * match, or an operation with no handler here, goes on to the next layer.
 */
export function dispatchOperations(handlers: Partial<OperationHandlers>): RequestHandler {
  const byId = new Map(Object.entries(handlers) as Array<[string, OperationHandler]>);
  return (req, res, next) => {
    const openapi = (req as MatchedRequest).openapi;
    const handler = openapi?.schema?.operationId === undefined ? undefined : byId.get(openapi.schema.operationId);
    if (!handler) return next();
    // The validator matched the path: its decoded path parameters are the route's.
    req.params = openapi!.pathParams ?? {};
    return handler(req, res, next);
  };
}

/** An OpenAPI path as an Express 5 route: `{webhook_id}` → `:webhook_id`. */
export const expressPath = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1');

/**
 * Registers each handler at its operation's method and path, from generated/contract.ts: for an
 * app without the validator (the benchmark's bare Express app) or a router of an embedder's own.
 */
export function registerOperationRoutes(router: IRouter, handlers: Partial<OperationHandlers>): void {
  for (const { operationId, method, path } of operations) {
    const handler = handlers[operationId];
    if (handler) router[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](expressPath(path), handler);
  }
}
