// `anchor-webhooks/client`: the typed API client, webhook verification and signing, and
// receiver adapters for Express and node:http.
export { createAnchorClient, DEFAULT_BASE_URL, USER_AGENT, type AnchorClient, type AnchorClientOptions } from './create-anchor-client.js';
export { AnchorApiError, isProblem, throwOnError, type Problem, type ProblemCode } from './problem.js';
export { createRetryMiddleware, isIdempotentRequest, isNetworkError, type RetryInfo, type RetryOptions } from './retry-middleware.js';
export { retryAfterMs } from './retry-after.js';
export { parseRateLimit, type RateLimitInfo, type RateLimitPolicy, type RateLimitStatus } from './rate-limit.js';

export { verifyWebhook, verifySignature, parseWebhookEvent, DEFAULT_TOLERANCE_SECONDS, type VerifyWebhookOptions, type VerifySignatureOptions } from './verify-webhook.js';
export { WebhookVerificationError, isWebhookVerificationError, type WebhookVerificationReason } from './webhook-verification-error.js';
export { signWebhook, DELIVERY_USER_AGENT, type SignWebhookOptions } from './sign-webhook.js';
export { computeSignature, signatureHeader } from './signature.js';
export { parseSignatureHeader, type ParsedSignatureHeader } from './signature-header.js';
export type { WebhookEvent, WebhookEventOf, WebhookEventType, WebhookDeliveryHeaders } from './webhook-event.js';
export type { WebhookSecrets } from './webhook-secrets.js';
export type { RawBody } from './raw-body.js';
export type { HeadersInput } from './headers.js';

export { anchorWebhook, type ExpressWebhookOptions, type WebhookMiddleware, type WebhookRequest } from './adapters/express.js';
export { createWebhookRequestHandler, readRawBody, BodyTooLargeError, DEFAULT_BODY_LIMIT_BYTES, type NodeWebhookHandlerOptions } from './adapters/node-http.js';

export type { paths, components, operations, webhooks } from '../generated/schema.js';
