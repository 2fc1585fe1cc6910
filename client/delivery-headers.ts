import type { RawBody } from './raw-body.js';
import { signatureHeader } from './signature.js';

/** The `User-Agent` of every delivery attempt. */
export const DELIVERY_USER_AGENT = 'Anchor-Webhooks/1.0';

export type DeliveryHeaderInput = {
  eventType: string;
  deliveryId: string;
  /** The exact bytes sent. */
  body: RawBody;
  /** Every secret valid at the attempt's time, current first: one `v1` each. */
  secrets: readonly string[];
  /** Unix seconds when this attempt is signed. */
  timestamp: number;
};

/**
 * The headers of one delivery attempt, names in lowercase as the delivery log records them.
 * The one implementation: the reference server's worker sends these, and `signWebhook`
 * gives receivers' tests the same headers.
 */
export function deliveryHeaders(input: DeliveryHeaderInput) {
  return {
    'user-agent': DELIVERY_USER_AGENT,
    'content-type': 'application/json',
    'anchor-event': input.eventType,
    'anchor-delivery-id': input.deliveryId,
    'anchor-timestamp': String(input.timestamp),
    'anchor-signature': signatureHeader(input.secrets, input.timestamp, input.body),
  };
}
