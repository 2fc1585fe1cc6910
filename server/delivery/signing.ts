import { signatureHeader } from '../../client/signature.js';

/** The `User-Agent` every attempt carries, as the spec fixes it. */
export const USER_AGENT = 'Anchor-Webhooks/1.0';

export type DeliveryHeaderInput = {
  eventType: string;
  deliveryId: string;
  /** The exact body sent: the stored event envelope. */
  body: string;
  /** Every secret valid at the attempt's time, current first: one `v1` each. */
  secrets: readonly string[];
  /** Unix seconds when this attempt is signed. */
  timestamp: number;
};

/**
 * The headers of one attempt, names in lowercase as the delivery log records them. Signing is
 * the client's `signatureHeader`: one implementation for the sender and every receiver.
 */
export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  return {
    'user-agent': USER_AGENT,
    'content-type': 'application/json',
    'anchor-event': input.eventType,
    'anchor-delivery-id': input.deliveryId,
    'anchor-timestamp': String(input.timestamp),
    'anchor-signature': signatureHeader(input.secrets, input.timestamp, input.body),
  };
}
