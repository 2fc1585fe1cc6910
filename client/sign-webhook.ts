import { randomUUID } from 'node:crypto';
import { parseWebhookEvent } from './verify-webhook.js';
import type { RawBody } from './raw-body.js';
import { assertUnixSeconds, signatureHeader } from './signature.js';
import type { WebhookDeliveryHeaders, WebhookEventType } from './webhook-event.js';
import { secretList, type WebhookSecrets } from './webhook-secrets.js';

/** The `User-Agent` of Anchor's dispatcher, as the spec fixes it. */
export const DELIVERY_USER_AGENT: WebhookDeliveryHeaders['User-Agent'] = 'Anchor-Webhooks/1.0';

export type SignWebhookOptions = WebhookSecrets & {
  /** The exact bytes to send. Sign what you send: serialise once, then sign and send that. */
  body: RawBody;
  /** When the attempt is signed: a Date or Unix seconds. Default: now. */
  timestamp?: Date | number;
  /** `Anchor-Event`. Default: the body's `type`. */
  eventType?: WebhookEventType;
  /** `Anchor-Delivery-Id`. Default: a random UUID. */
  deliveryId?: string;
};

function unixSeconds(timestamp: Date | number | undefined): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000);
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  assertUnixSeconds(seconds);
  return seconds;
}

function eventTypeOf(body: RawBody): WebhookEventType {
  try {
    return parseWebhookEvent(body).type;
  } catch {
    throw new TypeError('the body is not an Anchor event JSON with a `type`; pass `eventType` to sign it anyway');
  }
}

/**
 * The headers a real delivery of `body` carries, signed with every secret given (one `v1`
 * each, as during a rotation). For receivers' own tests, and used by the reference
 * server's dispatcher, so both sides share one signer.
 */
export function signWebhook(options: SignWebhookOptions): WebhookDeliveryHeaders {
  const secrets = secretList(options);
  const timestamp = unixSeconds(options.timestamp);
  const eventType = options.eventType ?? eventTypeOf(options.body);
  return {
    'User-Agent': DELIVERY_USER_AGENT,
    'Content-Type': 'application/json',
    'Anchor-Event': eventType,
    'Anchor-Delivery-Id': options.deliveryId ?? randomUUID(),
    'Anchor-Timestamp': String(timestamp),
    'Anchor-Signature': signatureHeader(secrets, timestamp, options.body),
  };
}
