import type { components } from '../../generated/schema.js';
import { redactSignatures } from '../delivery/redact-signatures.js';
import type { AttemptRow, DeliveryHistogram, DeliveryRow, StatusCounts, WebhookState } from '../storage/deliveries.js';
import type { WebhookRow } from '../storage/webhooks.js';

export type WebhookPublic = components['schemas']['WebhookPublic'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
export type WebhookDeliveryDetail = components['schemas']['WebhookDeliveryDetail'];
export type DeliveryAttempt = components['schemas']['DeliveryAttempt'];
export type WebhookStats = components['schemas']['WebhookStats'];

/** Times are stored as Unix milliseconds and shown as RFC 3339 UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A webhook row as the API shows it at `now` (a rotated-out secret past its expiry is gone); never its secret. */
export function presentWebhook(row: WebhookRow, now: number): WebhookPublic {
  return {
    id: row.id,
    project_id: row.project_id,
    url: row.url,
    description: row.description,
    subscribed_events: row.subscribed_events,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    previous_secret_expires_at: row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now ? iso(row.previous_secret_expires_at) : null,
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
    last_error: row.last_error ?? null,
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
    response_headers: row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string>),
  };
}

/** The delivery with the exact body sent and every attempt, oldest first. */
export function presentDeliveryDetail(row: DeliveryRow, payload: string, attempts: AttemptRow[]): WebhookDeliveryDetail {
  return { ...presentDelivery(row), payload, attempts: attempts.map(presentAttempt) };
}

const HOUR = 3_600_000;
/** The stats window: the current hour and the 23 before it. */
export const STATS_HOURS = 24;

/** Start of the stats window that ends at `now`: whole hours, so buckets do not shift between reads. */
export const statsWindowStart = (now: number): number => Math.floor(now / HOUR) * HOUR - (STATS_HOURS - 1) * HOUR;

const noCounts = (): StatusCounts => ({ pending: 0, in_flight: 0, succeeded: 0, failed: 0, dead: 0 });

/**
 * A webhook's health: the histogram as hourly counts and their sum, its newest delivery, and,
 * while it is enabled and failing, from when the worker disables it (`autoDisableAfterMs` after
 * the failures began).
 */
export function presentWebhookStats(input: {
  webhookId: string;
  state: WebhookState;
  since: number;
  now: number;
  histogram: DeliveryHistogram;
  newest: DeliveryRow | undefined;
  autoDisableAfterMs: number;
}): WebhookStats {
  const { webhookId, state, since, now, histogram, newest, autoDisableAfterMs } = input;
  const hourly = Array.from({ length: STATS_HOURS }, (_, i) => ({ start: iso(since + i * HOUR), counts: noCounts() }));
  const counts = noCounts();
  for (const { hour, status, n } of histogram) {
    const bucket = hourly[hour];
    if (!bucket) continue;
    bucket.counts[status] += n;
    counts[status] += n;
  }
  const failing = state.failingSince !== null && state.enabled && !state.deleted;
  return {
    webhook_id: webhookId,
    window_start: iso(since),
    window_end: iso(now),
    counts,
    hourly,
    last_delivery: newest ? presentDelivery(newest) : null,
    failing_since: isoOrNull(state.failingSince),
    auto_disable_at: failing ? iso(state.failingSince! + autoDisableAfterMs) : null,
  };
}
