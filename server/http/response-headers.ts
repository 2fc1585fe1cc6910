import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** The header every answer carries its id in, as Stripe's `Request-Id`. */
export const REQUEST_ID_HEADER = 'Request-Id';
/** A client's own id for the request: echoed and logged beside ours when it looks like one. */
export const CLIENT_REQUEST_ID_HEADER = 'X-Request-Id';
const CLIENT_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `req_` and 32 hex digits (a version 4 UUID's, 122 of them random): unique without
 * coordination, and says what it is when pasted. randomUUID draws from Node's pooled entropy;
 * a randomBytes(16) call per request cost more than routing it.
 */
export const newRequestId = (): string => `req_${randomUUID().replaceAll('-', '')}`;

/**
 * The first layer of the app: every answer, errors and pages included, gets its `Request-Id`
 * (and the client's `X-Request-Id` back when well formed) and `X-Content-Type-Options: nosniff`;
 * every API answer gets `Cache-Control: no-store`, since some hold a signing secret and all are
 * one project's data.
 */
export function responseHeaders(): RequestHandler {
  return (req, res, next) => {
    const id = newRequestId();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    const clientId = req.headers['x-request-id'];
    if (typeof clientId === 'string' && CLIENT_REQUEST_ID.test(clientId)) {
      res.locals.clientRequestId = clientId;
      res.setHeader(CLIENT_REQUEST_ID_HEADER, clientId);
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * This answer's id, set by `responseHeaders` before any other layer runs; a route mounted on its
 * own (a test, an embedder's app) gets one here, header included, so no answer goes without.
 */
export function requestIdOf(res: Response): string {
  let id = res.locals.requestId as string | undefined;
  if (!id) {
    id = newRequestId();
    res.locals.requestId = id;
    if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  }
  return id;
}

/** The client's `X-Request-Id`, when it sent a well-formed one. */
export const clientRequestIdOf = (res: Response): string | undefined => res.locals.clientRequestId as string | undefined;
