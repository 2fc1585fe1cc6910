import { createAnchorClient, type AnchorClient } from '../../client/create-anchor-client.js';
import { AnchorApiError } from '../../client/problem.js';
import type { components } from '../../generated/schema.js';

// Every call goes through the typed client users get; these are names for the spec's schemas.
export type Schemas = components['schemas'];
export type Webhook = Schemas['WebhookPublic'];
export type EventTypeInfo = Schemas['WebhookEventTypeInfo'];
export type EventType = Schemas['WebhookEventType'];
export type Delivery = Schemas['WebhookDelivery'];
export type DeliveryDetail = Schemas['WebhookDeliveryDetail'];
export type DeliveryStatus = Schemas['DeliveryStatus'];
export type Attempt = Schemas['DeliveryAttempt'];
export type WebhookStats = Schemas['WebhookStats'];
export type ServerInfo = Schemas['ServerInfo'];

export { AnchorApiError, throwOnError } from '../../client/problem.js';
export type { AnchorClient };

export const DASHBOARD_USER_AGENT = 'anchor-dashboard/0.1.0';

/**
 * The dashboard's client: same origin as the page. Retries cover reads and the
 * create (which carries an Idempotency-Key) on 429 and 5xx.
 */
export function dashboardClient(apiKey: string, baseUrl = window.location.origin): AnchorClient {
  return createAnchorClient({ apiKey, baseUrl, userAgent: DASHBOARD_USER_AGENT, retry: { retries: 2, maxRetryAfterMs: 10_000 } });
}

/** One sentence for a failed call: the problem's `detail`, or why the server could not be reached. */
export function describeError(error: unknown): string {
  if (error instanceof AnchorApiError) {
    // Not the API speaking (a proxy's page, an empty 502): its body is no message for a person.
    return error.code === 'unexpected_response' ? `The server answered HTTP ${error.status} without a problem body.` : error.detail;
  }
  if (error instanceof TypeError) return `Could not reach the server (${error.message}). Is it still running?`;
  return error instanceof Error ? error.message : String(error);
}

export const isUnauthorized = (error: unknown): boolean => error instanceof AnchorApiError && error.status === 401;
