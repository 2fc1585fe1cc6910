// `@anchor-webhooks/client/sending`: what a sender of Anchor webhooks shares with receivers: the
// signed headers of a delivery attempt, and the reading of a receiver's `Retry-After`. The
// reference server's dispatcher sends with these, so signing and verifying are one implementation.
export { deliveryHeaders, DELIVERY_USER_AGENT, type DeliveryHeaderInput } from './delivery-headers.js';
export { computeSignature, signatureHeader } from './signature.js';
export { retryAfterMs } from './retry-after.js';
