import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { RawBody } from '../raw-body.js';
import { verifyWebhook } from '../verify-webhook.js';
import type { WebhookEvent } from '../webhook-event.js';
import type { WebhookSecrets } from '../webhook-secrets.js';
import { WebhookVerificationError } from '../webhook-verification-error.js';

// Typed with node's own request and response so that this package's .d.ts files do not
// need @types/express; Express's Request and Response extend them.

/** The request after verification: `req.anchorEvent` holds the typed event. */
export type WebhookRequest = IncomingMessage & { body?: unknown; anchorEvent?: WebhookEvent };
export type WebhookMiddleware = (req: WebhookRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

export type ExpressWebhookOptions = WebhookSecrets & {
  /**
   * Called with the verified event; answer `res` yourself or let the middleware answer 200.
   * A throw or rejection goes to Express's error handling (a 500, so Anchor retries).
   * Without it, the event is put on `req.anchorEvent` and `next()` is called.
   */
  onEvent?: (event: WebhookEvent, req: WebhookRequest, res: ServerResponse) => unknown;
  toleranceSeconds?: number;
  /** Body size limit for `express.raw`. Default `1mb`. */
  limit?: string | number;
};

type RawParserFactory = (options: { type: string; limit: string | number }) => WebhookMiddleware;

/**
 * `express.raw` from the application's own Express, an optional peer dependency: loaded when an
 * adapter is made, so receivers without Express (and the rest of this package) never need it.
 */
function expressRaw(): RawParserFactory {
  let express: { raw?: unknown };
  try {
    express = createRequire(import.meta.url)('express') as { raw?: unknown };
  } catch (error) {
    // Express itself missing, not one of its own dependencies.
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !(error as Error).message.includes("'express'")) throw error;
    throw new Error(
      'anchorWebhook needs Express, an optional peer dependency of @anchor-webhooks/client: `npm install express`, or use createWebhookRequestHandler with node:http.',
    );
  }
  if (typeof express.raw !== 'function') throw new Error('anchorWebhook needs Express 4.17 or later (express.raw).');
  return express.raw as RawParserFactory;
}

/**
 * `express.raw({ type: 'application/json' })` plus verification, for one route. Mount it
 * before any global `express.json()` sees the route, or the body arrives parsed and is
 * rejected (`body_not_raw`).
 *
 * ```ts
 * app.post('/anchor/webhooks', anchorWebhook({ secret, onEvent: async (event) => { … } }));
 * ```
 */
export function anchorWebhook(options: ExpressWebhookOptions): WebhookMiddleware {
  const { onEvent, limit = '1mb', ...verifyOptions } = options;
  const readRaw = expressRaw()({ type: 'application/json', limit });
  const verify: WebhookMiddleware = (req, res, next) => {
    let event: WebhookEvent;
    try {
      event = verifyWebhook({ ...verifyOptions, body: req.body as RawBody /* checked at run time */, headers: req.headers });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) return next(error);
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error.reason}: ${error.message}\n`);
      return;
    }
    req.anchorEvent = event;
    if (!onEvent) return next();
    Promise.resolve()
      .then(() => onEvent(event, req, res))
      .then(() => {
        if (!res.writableEnded) res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      }, next);
  };
  // One handler rather than an array, so that handlers after it keep Express's contextual types.
  return (req, res, next) => readRaw(req, res, (error) => (error ? next(error) : verify(req, res, next)));
}
