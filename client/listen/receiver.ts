import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readRawBody } from '../adapters/node-http.js';
import { getHeader } from '../headers.js';
import { parseWebhookEvent, verifySignature } from '../verify-webhook.js';
import { WebhookVerificationError } from '../webhook-verification-error.js';
import type { ListenOptions } from './args.js';
import { forwardDelivery } from './forward.js';
import type { DeliveryRecord, Outcome, SignatureStatus } from './format-line.js';

export interface ReceiverDeps {
  options: Pick<ListenOptions, 'secrets' | 'forwardTo'>;
  /** Called once per delivery, after it was answered. */
  report: (record: DeliveryRecord, body: Buffer) => void;
  now?: () => Date;
  limitBytes?: number;
}

function checkSignature(secrets: string[], body: Buffer, header: string | undefined, now: Date): SignatureStatus {
  if (secrets.length === 0) return { state: 'unverified' };
  try {
    verifySignature({ secrets, body, signatureHeader: header, now });
    return { state: 'ok' };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { state: 'failed', reason: error.reason };
    throw error;
  }
}

/** What the body and headers say about the event, even when the signature failed (for display only). */
function describeEvent(body: Buffer, req: IncomingMessage): { eventType: string | undefined; eventId: string | undefined } {
  try {
    const event = parseWebhookEvent(body);
    return { eventType: event.type, eventId: event.id };
  } catch {
    return { eventType: getHeader(req.headers, 'anchor-event'), eventId: undefined };
  }
}

function latencySeconds(req: IncomingMessage, now: Date): number | undefined {
  const stamp = getHeader(req.headers, 'anchor-timestamp');
  if (stamp === undefined || !/^\d+$/.test(stamp)) return undefined;
  return Math.floor(now.getTime() / 1000) - Number(stamp);
}

function reply(res: ServerResponse, status: number, body: string | Buffer, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

/**
 * The `listen` receiver: verifies every POST, forwards it when asked, answers the
 * sender (the app's status when forwarding; else 200, or 400 for a bad signature)
 * and reports one record per delivery.
 */
export function createReceiver({ options, report, now = () => new Date(), limitBytes }: ReceiverDeps): Server {
  return createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST') {
        req.resume();
        return reply(res, 405, 'anchor-webhooks listen: POST deliveries here\n');
      }
      let body: Buffer;
      try {
        body = await readRawBody(req, limitBytes);
      } catch (error) {
        return reply(res, error instanceof BodyTooLargeError ? 413 : 400, `${(error as Error).message}\n`);
      }
      const receivedAt = now();
      const signature = checkSignature(options.secrets, body, getHeader(req.headers, 'anchor-signature'), receivedAt);
      let outcome: Outcome;
      if (options.forwardTo) {
        const forwarded = await forwardDelivery(options.forwardTo, req.headers, body);
        if (forwarded.ok) {
          outcome = { kind: 'forwarded', status: forwarded.status, durationMs: forwarded.durationMs };
          reply(res, forwarded.status, forwarded.body, forwarded.contentType);
        } else {
          outcome = { kind: 'forward_failed', error: forwarded.error, durationMs: forwarded.durationMs };
          reply(res, 502, `forwarding failed: ${forwarded.error}\n`);
        }
      } else if (signature.state === 'failed') {
        outcome = { kind: 'answered', status: 400 };
        reply(res, 400, `${signature.reason}\n`);
      } else {
        outcome = { kind: 'answered', status: 200 };
        reply(res, 200, 'ok\n');
      }
      report({ receivedAt, ...describeEvent(body, req), signature, latencySeconds: latencySeconds(req, receivedAt), outcome }, body);
    })().catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, `anchor-webhooks listen failed: ${(error as Error).message}\n`);
      else res.end();
    });
  });
}
