import type { components } from '../../generated/schema.js';
import type { AttemptRow, DeliveryRow } from '../storage/deliveries.js';
import { redactSignatures } from '../delivery/redact-signatures.js';
import type { WebhookRow } from '../storage/webhooks.js';

export type WebhookPublic = components['schemas']['WebhookPublic'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
export type WebhookDeliveryDetail = components['schemas']['WebhookDeliveryDetail'];
export type DeliveryAttempt = components['schemas']['DeliveryAttempt'];

/** Times are stored as Unix milliseconds and shown as RFC 3339 UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A webhook row as the API shows it; never its secret. */
export function presentWebhook(row: WebhookRow): WebhookPublic {
  return {
    id: row.id,
    project_id: row.project_id,
    url: row.url,
    description: row.description,
    subscribed_events: row.subscribed_events,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** A delivery row as the API shows it. */
export function presentDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type as WebhookDelivery['event_type'],
    status: row.status,
    attempt_count: row.attempt_count,
    last_status_code: row.last_status_code,
    next_attempt_at: isoOrNull(row.next_attempt_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function presentAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    attempt_number: row.attempt_number,
    started_at: iso(row.started_at),
    duration_ms: row.duration_ms,
    status_code: row.status_code,
    error: row.error,
    error_message: row.error_message,
    response_excerpt: row.response_excerpt,
    // Stored redacted; rows written before redaction are redacted here.
    request_headers: redactSignatures(JSON.parse(row.request_headers) as Record<string, string>),
  };
}

/** The delivery with the exact body sent and every attempt, oldest first. */
export function presentDeliveryDetail(row: DeliveryRow, payload: string, attempts: AttemptRow[]): WebhookDeliveryDetail {
  return { ...presentDelivery(row), payload, attempts: attempts.map(presentAttempt) };
}
