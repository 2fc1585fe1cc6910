import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
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
  const readRaw = express.raw({ type: 'application/json', limit }) as unknown as WebhookMiddleware;
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
