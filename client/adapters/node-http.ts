import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '../verify-webhook.js';
import type { WebhookEvent } from '../webhook-event.js';
import type { WebhookSecrets } from '../webhook-secrets.js';
import { WebhookVerificationError } from '../webhook-verification-error.js';

/** 1 MiB: far above any Anchor event, low enough that a flood cannot exhaust memory. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the request body is over ${limitBytes} bytes`);
  }
}

/** Reads a request body as the exact bytes received, up to `limitBytes` (BodyTooLargeError beyond). */
export function readRawBody(req: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume();
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.resume(); // drain the rest so the answer can still be written
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

export type NodeWebhookHandlerOptions = WebhookSecrets & {
  /** Called with the verified event. Answer `res` yourself, or let the handler answer 200. */
  onEvent: (event: WebhookEvent, req: IncomingMessage, res: ServerResponse) => unknown;
  /** Called when `onEvent` throws; the handler answers 500 so Anchor retries. */
  onError?: (error: unknown, req: IncomingMessage) => void;
  toleranceSeconds?: number;
  limitBytes?: number;
};

function answer(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extra }).end(`${text}\n`);
}

/**
 * A `node:http` request listener that reads the raw body, verifies it, and hands the
 * typed event to `onEvent`. Failed verification answers 400 with the reason.
 *
 * ```ts
 * http.createServer(createWebhookRequestHandler({ secret, onEvent: (event) => queue.push(event) })).listen(3000);
 * ```
 */
export function createWebhookRequestHandler(options: NodeWebhookHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { onEvent, onError, limitBytes = DEFAULT_BODY_LIMIT_BYTES, ...verifyOptions } = options;
  return (req, res) => {
    void (async () => {
      if (req.method !== 'POST') {
        req.resume();
        return answer(res, 405, 'method not allowed: Anchor delivers with POST', { allow: 'POST' });
      }
      let body: Buffer;
      try {
        body = await readRawBody(req, limitBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return answer(res, 413, error.message, { connection: 'close' });
        return answer(res, 400, 'could not read the request body');
      }
      let event: WebhookEvent;
      try {
        event = verifyWebhook({ ...verifyOptions, body, headers: req.headers });
      } catch (error) {
        if (error instanceof WebhookVerificationError) return answer(res, 400, `${error.reason}: ${error.message}`);
        throw error;
      }
      try {
        await onEvent(event, req, res);
      } catch (error) {
        onError?.(error, req);
        return answer(res, 500, 'the handler failed');
      }
      if (!res.writableEnded) answer(res, 200, 'ok');
    })().catch((error: unknown) => {
      onError?.(error, req);
      answer(res, 500, 'internal error');
    });
  };
}
