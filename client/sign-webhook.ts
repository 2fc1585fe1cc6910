import { randomUUID } from 'node:crypto';
import { parseWebhookEvent } from './verify-webhook.js';
import type { RawBody } from './raw-body.js';
import { DELIVERY_USER_AGENT, deliveryHeaders } from './delivery-headers.js';
import { assertUnixSeconds } from './signature.js';
import type { WebhookDeliveryHeaders, WebhookEventType } from './webhook-event.js';
import { secretList, type WebhookSecrets } from './webhook-secrets.js';

export { DELIVERY_USER_AGENT };

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
 * each, as during a rotation). For receivers' own tests: the reference server's worker
 * sends the same headers (`deliveryHeaders`).
 */
export function signWebhook(options: SignWebhookOptions): WebhookDeliveryHeaders {
  const eventType = options.eventType ?? eventTypeOf(options.body);
  const h = deliveryHeaders({
    eventType,
    deliveryId: options.deliveryId ?? randomUUID(),
    body: options.body,
    secrets: secretList(options),
    timestamp: unixSeconds(options.timestamp),
  });
  return {
    'User-Agent': h['user-agent'] as WebhookDeliveryHeaders['User-Agent'],
    'Content-Type': h['content-type'] as WebhookDeliveryHeaders['Content-Type'],
    'Anchor-Event': eventType,
    'Anchor-Delivery-Id': h['anchor-delivery-id'],
    'Anchor-Timestamp': h['anchor-timestamp'],
    'Anchor-Signature': h['anchor-signature'],
  };
}
