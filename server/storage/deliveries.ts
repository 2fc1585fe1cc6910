import type { Database, Statement } from 'better-sqlite3';
import type { components } from '../../generated/schema.js';

export type DeliveryStatus = components['schemas']['DeliveryStatus'];
/** Why an attempt failed, or null when it succeeded. */
export type DeliveryErrorClass = components['schemas']['DeliveryAttempt']['error'];

export type DeliveryRow = {
  id: string;
  event_id: string;
  webhook_id: string;
  project_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  /** The error class of the last attempt; read with the row, from delivery_attempts. */
  last_error: DeliveryErrorClass;
  next_attempt_at: number | null;
  lease_until: number | null;
  one_shot: number;
  created_at: number;
  updated_at: number;
};

export type AttemptRow = {
  attempt_number: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: DeliveryErrorClass;
  error_message: string | null;
  response_excerpt: string | null;
  request_headers: string;
  /** JSON object, or null when there was no response (or the attempt predates migration 3). */
  response_headers: string | null;
};

/** A delivery claimed for one attempt: everything the attempt needs, read in the claiming transaction. */
export type Claim = {
  deliveryId: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  url: string;
  payload: string;
  attemptNumber: number;
  oneShot: boolean;
  leaseUntil: number;
};

export type AttemptRecord = {
  attemptNumber: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: DeliveryErrorClass;
  errorMessage: string | null;
  responseExcerpt: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders?: Record<string, string> | null;
};

/**
 * What is known when an attempt is recorded: its outcome, and the webhook's state read in the
 * recording transaction. The decision is made from these alone (`delivery/after-attempt.ts`);
 * the store only records it.
 */
export type AttemptFacts = {
  /** A 2xx within the timeout. */
  ok: boolean;
  statusCode: number | null;
  /** The receiver's `Retry-After` (429, 503), as sent. */
  retryAfter: string | null;
  attemptNumber: number;
  /** A redelivery of a dead or succeeded delivery: exactly one attempt. */
  oneShot: boolean;
  startedAt: number;
  finishedAt: number;
  /** Enabled and not deleted, now. */
  webhookActive: boolean;
  /** When the webhook's current run of failures began; null while healthy. */
  failingSince: number | null;
};

export type AttemptDecision = {
  status: Extract<DeliveryStatus, 'succeeded' | 'failed' | 'dead'>;
  nextAttemptAt: number | null;
  /** The webhook's `failing_since` after this attempt: null when it is healthy. */
  failingSince: number | null;
  /** Disable the webhook (`endpoint_failing`). */
  autoDisable: boolean;
};

export type DecideAfterAttempt = (facts: AttemptFacts) => AttemptDecision;

export type ClaimOptions = {
  now: number;
  limit: number;
  perWebhook: number;
  leaseMs: number;
  /** The payload of a delivery the caller already holds (it published it): saves reading the event back. */
  knownPayload?: (deliveryId: string) => string | undefined;
};

export type FinishedAttempt = { claim: Claim; attempt: AttemptRecord; retryAfter: string | null; finishedAt: number };

export type FinishOutcome = {
  /** False when the claim was lost (its lease expired and someone else took it): nothing was written. */
  recorded: boolean;
  status?: DeliveryStatus;
  webhookAutoDisabled?: boolean;
};

export type DeliveryFilter = {
  limit: number;
  offset: number;
  status?: DeliveryStatus;
  eventType?: string;
  eventId?: string;
  createdAfter?: number;
  createdBefore?: number;
  /** A cursor: the page starts right after this delivery, in the log's order. */
  startingAfter?: string;
};

/** A webhook as the delivery log sees it: deleted ones stay visible to their project. */
export type WebhookState = { enabled: boolean; deleted: boolean; failingSince: number | null };

export type StatusCounts = Record<DeliveryStatus, number>;

/** One page of the log; `count` is every row matching the filters, whatever the cursor and offset. */
export type DeliveryPage = { kind: 'page'; count: number; hasMore: boolean; items: DeliveryRow[]; countsByStatus: StatusCounts } | { kind: 'unknown_cursor' };

/** Deliveries created from `since` on, by status and by hour (`hour` counts whole hours from `since`). */
export type DeliveryHistogram = Array<{ hour: number; status: DeliveryStatus; n: number }>;

export type RedeliverResult = { kind: 'not_found' } | { kind: 'in_progress' } | { kind: 'scheduled'; delivery: DeliveryRow };

export type DeliveryStore = {
  /**
   * Claims up to `limit` due deliveries of enabled, live webhooks, oldest due first, at most
   * `perWebhook` in flight per webhook (counting those already in flight), and marks them
   * in_flight until `now + leaseMs`.
   */
  claimDue(options: ClaimOptions): Claim[];
  /** Marks due deliveries of disabled or deleted webhooks dead: their remaining retries are cancelled. */
  cancelInactive(now: number): number;
  /** Returns deliveries whose lease expired (their process died mid-attempt) to pending, due now. */
  reclaimExpired(now: number): number;
  /**
   * Records finished attempts in one transaction (one commit for a burst of completions): each
   * attempt, and the delivery's and webhook's next state as `decide` rules, if the claim is
   * still held.
   */
  finishAttempts(finished: readonly FinishedAttempt[], decide: DecideAfterAttempt): FinishOutcome[];
  /** `finishAttempts` then `claimDue`, in one transaction: the worker's steady state costs one commit per wake-up. */
  finishAndClaim(finished: readonly FinishedAttempt[], decide: DecideAfterAttempt, options: ClaimOptions): { outcomes: FinishOutcome[]; claims: Claim[] };
  /** The earliest future instant at which something becomes due or a lease expires, or null. */
  nextWakeAt(now: number): number | null;
  /** The webhook of this project, deleted or not; undefined for a missing one or another project's. */
  webhookInProject(projectId: string, webhookId: string): WebhookState | undefined;
  /** One page, the total, and what each status would count under the other filters. */
  list(webhookId: string, filter: DeliveryFilter): DeliveryPage;
  /** The webhook's deliveries created in [since, until), counted by hour and status. */
  histogram(webhookId: string, since: number, until: number): DeliveryHistogram;
  /** The newest delivery, or undefined when there is none. */
  newest(webhookId: string): DeliveryRow | undefined;
  /** Every delivery of a project, or of one of its webhooks, oldest first (the embedding API's log). */
  ofProject(projectId: string, webhookId?: string): DeliveryRow[];
  get(webhookId: string, deliveryId: string): DeliveryRow | undefined;
  payloadOf(eventId: string): string | undefined;
  attempts(deliveryId: string): AttemptRow[];
  /** Schedules a fresh attempt now; a pending or in-flight delivery is left alone. */
  redeliver(webhookId: string, deliveryId: string, now: number): RedeliverResult;
  /** Deletes events, deliveries and attempts created before `before` (nothing in flight). */
  prune(before: number): { events: number; deliveries: number; attempts: number };
};

const PRUNE_BATCH = 2_000;

export function createDeliveryStore(db: Database): DeliveryStore {
  const cancelInactive = db.prepare(`
    UPDATE deliveries SET status = 'dead', next_attempt_at = NULL, updated_at = @now
    WHERE webhook_id IN (SELECT id FROM webhooks WHERE enabled = 0 OR deleted_at IS NOT NULL)
      AND status IN ('pending', 'failed') AND next_attempt_at <= @now`);
  // Claiming goes webhook by webhook through (webhook_id, next_attempt_at): its cost follows the
  // number of live webhooks and the claims made, not the size of the backlog.
  const webhooksWithDue = db.prepare<{ now: number }, { id: string; url: string }>(`
    SELECT w.id, w.url FROM webhooks w
    WHERE w.enabled = 1 AND w.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= @now)`);
  const inFlightByWebhook = db.prepare<[], { webhook_id: string; n: number }>(
    "SELECT webhook_id, COUNT(*) AS n FROM deliveries WHERE status = 'in_flight' GROUP BY webhook_id",
  );
  // Only the order is read here; the claiming UPDATE returns the rest, and the payload is read
  // only when the caller does not already hold it (it published the event moments ago).
  const dueOfWebhook = db.prepare<{ webhookId: string; now: number; limit: number }, { seq: number; dueAt: number }>(`
    SELECT rowid AS seq, next_attempt_at AS dueAt FROM deliveries
    WHERE webhook_id = @webhookId AND status IN ('pending', 'failed') AND next_attempt_at <= @now
    ORDER BY next_attempt_at, rowid
    LIMIT @limit`);
  type ClaimedRow = { deliveryId: string; eventId: string; eventType: string; attemptNumber: number; oneShot: number };
  const markInFlight = db.prepare<{ seq: number; leaseUntil: number; now: number }, ClaimedRow>(`
    UPDATE deliveries SET status = 'in_flight', lease_until = @leaseUntil, next_attempt_at = NULL, updated_at = @now
    WHERE rowid = @seq
    RETURNING id AS deliveryId, event_id AS eventId, event_type AS eventType, attempt_count + 1 AS attemptNumber, one_shot AS oneShot`);
  const reclaim = db.prepare(`
    UPDATE deliveries SET status = 'pending', next_attempt_at = @now, lease_until = NULL, updated_at = @now
    WHERE status = 'in_flight' AND lease_until <= @now`);

  // Only while the claim is still held (same lease): a late result after a takeover writes nothing.
  const recordDelivery = db.prepare<Record<string, unknown>, { status: DeliveryStatus }>(`
    UPDATE deliveries SET status = @status, next_attempt_at = @nextAttemptAt, attempt_count = @attemptNumber,
      last_status_code = @statusCode, lease_until = NULL, one_shot = 0, updated_at = @now
    WHERE id = @id AND status = 'in_flight' AND lease_until = @leaseUntil
    RETURNING status`);
  // A burst of finished attempts is written by one multi-row INSERT (a statement per row count, kept).
  const ATTEMPT_COLUMNS = 10;
  const ATTEMPTS_PER_INSERT = 64;
  const insertAttempts = new Map<number, Statement>();
  const insertAttemptRows = (rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += ATTEMPTS_PER_INSERT) {
      const chunk = rows.slice(i, i + ATTEMPTS_PER_INSERT);
      let insert = insertAttempts.get(chunk.length);
      if (!insert) {
        const values = Array.from({ length: chunk.length }, () => `(${Array(ATTEMPT_COLUMNS).fill('?').join(',')})`).join(',');
        insert = db.prepare(
          `INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, error, error_message, response_excerpt, request_headers, response_headers) VALUES ${values}`,
        );
        insertAttempts.set(chunk.length, insert);
      }
      insert.run(...chunk.flat());
    }
  };
  const webhookHealth = db.prepare<{ id: string }, { active: number; failing_since: number | null }>(
    'SELECT enabled = 1 AND deleted_at IS NULL AS active, failing_since FROM webhooks WHERE id = @id',
  );
  const setFailingSince = db.prepare('UPDATE webhooks SET failing_since = @failingSince WHERE id = @id');
  const autoDisable = db.prepare(`
    UPDATE webhooks SET enabled = 0, disabled_reason = 'endpoint_failing', updated_at = @now
    WHERE id = @id AND enabled = 1 AND deleted_at IS NULL`);

  // Per live webhook through (webhook_id, next_attempt_at); inactive webhooks' rows are the sweep's.
  const nextDue = db.prepare<{ now: number }, { at: number | null }>(`
    SELECT MIN((SELECT MIN(d.next_attempt_at) FROM deliveries d
                WHERE d.webhook_id = w.id AND d.status IN ('pending', 'failed') AND d.next_attempt_at > @now)) AS at
    FROM webhooks w WHERE w.enabled = 1 AND w.deleted_at IS NULL`);
  const nextLeaseExpiry = db.prepare<[], { at: number | null }>(
    "SELECT MIN(lease_until) AS at FROM deliveries WHERE status = 'in_flight'",
  );

  const webhookOfProject = db.prepare<{ projectId: string; webhookId: string }, { enabled: number; deleted: number; failing_since: number | null }>(
    'SELECT enabled, deleted_at IS NOT NULL AS deleted, failing_since FROM webhooks WHERE id = @webhookId AND project_id = @projectId',
  );

  // A row with its last attempt's error class, through the attempts' primary key.
  const ROW = `deliveries.*, (SELECT a.error FROM delivery_attempts a WHERE a.delivery_id = deliveries.id ORDER BY a.attempt_number DESC LIMIT 1) AS last_error`;
  const otherFilters = `
    FROM deliveries WHERE webhook_id = @webhookId
      AND (@eventType IS NULL OR event_type = @eventType)
      AND (@eventId IS NULL OR event_id = @eventId)
      AND (@createdAfter IS NULL OR created_at >= @createdAfter)
      AND (@createdBefore IS NULL OR created_at < @createdBefore)`;
  const filterSql = `${otherFilters} AND (@status IS NULL OR status = @status)`;
  // One pass counts every status: the page's total is the filtered status's count, or their sum.
  // Without an event filter the count reads deliveries_by_webhook_status alone.
  const countByStatus = db.prepare<Record<string, unknown>, { status: DeliveryStatus; n: number }>(`SELECT status, COUNT(*) AS n ${otherFilters} GROUP BY status`);
  const countByStatusInWindow = db.prepare<{ webhookId: string; createdAfter: number; createdBefore: number }, { status: DeliveryStatus; n: number }>(`
    SELECT status, COUNT(*) AS n FROM deliveries
    WHERE webhook_id = @webhookId AND created_at >= @createdAfter AND created_at < @createdBefore
    GROUP BY status`);
  // Newest first; after a cursor, only what comes after it in that order. One row more than the
  // page tells whether there is a next page.
  const pageMatching = db.prepare<Record<string, unknown>, DeliveryRow>(
    `SELECT ${ROW} ${filterSql}
       AND (@cursorAt IS NULL OR created_at < @cursorAt OR (created_at = @cursorAt AND rowid < @cursorRowid))
     ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
  );
  const cursorOf = db.prepare<{ webhookId: string; id: string }, { created_at: number; rid: number }>(
    'SELECT created_at, rowid AS rid FROM deliveries WHERE id = @id AND webhook_id = @webhookId',
  );
  const getOne = db.prepare<{ webhookId: string; id: string }, DeliveryRow>(`SELECT ${ROW} FROM deliveries WHERE id = @id AND webhook_id = @webhookId`);
  const newestOf = db.prepare<{ webhookId: string }, DeliveryRow>(
    `SELECT ${ROW} FROM deliveries WHERE webhook_id = @webhookId ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  );
  // Whole hours from @since: the bound parameters are REAL, so the division is cast back.
  const histogramOf = db.prepare<{ webhookId: string; since: number; until: number }, { hour: number; status: DeliveryStatus; n: number }>(`
    SELECT CAST((created_at - @since) / 3600000 AS INTEGER) AS hour, status, COUNT(*) AS n FROM deliveries
    WHERE webhook_id = @webhookId AND created_at >= @since AND created_at < @until
    GROUP BY hour, status`);
  const ofProject = db.prepare<{ projectId: string; webhookId: string | null }, DeliveryRow>(`
    SELECT ${ROW} FROM deliveries JOIN webhooks w ON w.id = deliveries.webhook_id
    WHERE w.project_id = @projectId AND (@webhookId IS NULL OR w.id = @webhookId)
    ORDER BY deliveries.created_at, deliveries.rowid`);
  const payload = db.prepare<{ id: string }, { payload: string }>('SELECT payload FROM events WHERE id = @id');
  const attemptsOf = db.prepare<{ id: string }, AttemptRow>(`
    SELECT attempt_number, started_at, duration_ms, status_code, error, error_message, response_excerpt, request_headers, response_headers
    FROM delivery_attempts WHERE delivery_id = @id ORDER BY attempt_number`);
  const reschedule = db.prepare(`
    UPDATE deliveries SET status = 'pending', next_attempt_at = @now, one_shot = @oneShot, updated_at = @now
    WHERE id = @id`);

  // A delivery is as old as its event (both are written by one publish): age goes by events.created_at.
  const pruneAttempts = db.prepare(`
    DELETE FROM delivery_attempts WHERE delivery_id IN (
      SELECT d.id FROM events e JOIN deliveries d ON d.event_id = e.id
      WHERE e.created_at < @before AND d.status != 'in_flight' LIMIT ${PRUNE_BATCH})`);
  const pruneDeliveries = db.prepare(`
    DELETE FROM deliveries WHERE rowid IN (
      SELECT d.rowid FROM events e JOIN deliveries d ON d.event_id = e.id
      WHERE e.created_at < @before AND d.status != 'in_flight'
        AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id)
      LIMIT ${PRUNE_BATCH})`);
  const pruneEvents = db.prepare(`
    DELETE FROM events WHERE rowid IN (
      SELECT rowid FROM events WHERE created_at < @before
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)
      LIMIT ${PRUNE_BATCH})`);

  const claimDueInner = (options: ClaimOptions): Claim[] => {
    const { now, limit, perWebhook, leaseMs, knownPayload } = options;
    if (limit <= 0) return [];
    const busy = new Map(inFlightByWebhook.all().map((r) => [r.webhook_id, r.n]));
    const due: Array<{ seq: number; dueAt: number; webhookId: string; url: string }> = [];
    for (const { id, url } of webhooksWithDue.all({ now })) {
      const room = Math.min(limit, perWebhook - (busy.get(id) ?? 0));
      if (room > 0) for (const row of dueOfWebhook.all({ webhookId: id, now, limit: room })) due.push({ ...row, webhookId: id, url });
    }
    // Oldest due first across webhooks; each webhook already holds no more than its room.
    due.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    const leaseUntil = now + leaseMs;
    return due.slice(0, limit).map(({ seq, webhookId, url }) => {
      const row = markInFlight.get({ seq, leaseUntil, now })!;
      const known = knownPayload?.(row.deliveryId);
      return {
        deliveryId: row.deliveryId,
        eventId: row.eventId,
        eventType: row.eventType,
        webhookId,
        url,
        payload: known ?? payload.get({ id: row.eventId })!.payload,
        attemptNumber: row.attemptNumber,
        oneShot: row.oneShot === 1,
        leaseUntil,
      };
    });
  };
  const claimDue = db.transaction(claimDueInner);

  type Health = { active: boolean; failingSince: number | null };
  /** `health`: each webhook's state as this batch has left it, read once per webhook per batch. */
  const finishOne = ({ claim, attempt, retryAfter, finishedAt }: FinishedAttempt, decide: DecideAfterAttempt, health: Map<string, Health>, attemptRows: unknown[][]): FinishOutcome => {
    let webhook = health.get(claim.webhookId);
    if (!webhook) {
      const row = webhookHealth.get({ id: claim.webhookId });
      webhook = { active: row?.active === 1, failingSince: row?.failing_since ?? null };
      health.set(claim.webhookId, webhook);
    }
    const decision = decide({
      ok: attempt.error === null,
      statusCode: attempt.statusCode,
      retryAfter,
      attemptNumber: attempt.attemptNumber,
      oneShot: claim.oneShot,
      startedAt: attempt.startedAt,
      finishedAt,
      webhookActive: webhook.active,
      failingSince: webhook.failingSince,
    });
    const updated = recordDelivery.get({
      id: claim.deliveryId,
      leaseUntil: claim.leaseUntil,
      status: decision.status,
      nextAttemptAt: decision.nextAttemptAt,
      attemptNumber: attempt.attemptNumber,
      statusCode: attempt.statusCode,
      now: finishedAt,
    });
    if (!updated) return { recorded: false };
    const a = attempt;
    attemptRows.push([
      claim.deliveryId,
      a.attemptNumber,
      a.startedAt,
      a.durationMs,
      a.statusCode,
      a.error,
      a.errorMessage,
      a.responseExcerpt,
      JSON.stringify(a.requestHeaders),
      a.responseHeaders ? JSON.stringify(a.responseHeaders) : null,
    ]);
    if (decision.failingSince !== webhook.failingSince) {
      setFailingSince.run({ id: claim.webhookId, failingSince: decision.failingSince });
      webhook.failingSince = decision.failingSince;
    }
    let webhookAutoDisabled = false;
    if (decision.autoDisable) {
      webhookAutoDisabled = autoDisable.run({ id: claim.webhookId, now: finishedAt }).changes > 0;
      webhook.active = false;
    }
    return { recorded: true, status: updated.status, webhookAutoDisabled };
  };
  const finishAll = (finished: readonly FinishedAttempt[], decide: DecideAfterAttempt) => {
    const health = new Map<string, Health>();
    const attemptRows: unknown[][] = [];
    const outcomes = finished.map((f) => finishOne(f, decide, health, attemptRows));
    insertAttemptRows(attemptRows);
    return outcomes;
  };
  const finishAttempts = db.transaction(finishAll);
  const finishAndClaim = db.transaction((finished: readonly FinishedAttempt[], decide: DecideAfterAttempt, options: ClaimOptions) => ({
    outcomes: finishAll(finished, decide),
    claims: claimDueInner(options),
  }));

  const redeliver = db.transaction((webhookId: string, deliveryId: string, now: number): RedeliverResult => {
    const row = getOne.get({ webhookId, id: deliveryId });
    if (!row) return { kind: 'not_found' };
    if (row.status === 'pending' || row.status === 'in_flight') return { kind: 'in_progress' };
    // A failed delivery keeps its schedule with the next retry moved to now; a dead or succeeded
    // one gets exactly one more attempt.
    reschedule.run({ id: deliveryId, now, oneShot: row.status === 'failed' ? 0 : 1 });
    return { kind: 'scheduled', delivery: getOne.get({ webhookId, id: deliveryId })! };
  });

  const pruneBatch = db.transaction((before: number) => ({
    attempts: pruneAttempts.run({ before }).changes,
    deliveries: pruneDeliveries.run({ before }).changes,
    events: pruneEvents.run({ before }).changes,
  }));

  const filterParams = (webhookId: string, f: DeliveryFilter) => ({
    webhookId,
    status: f.status ?? null,
    eventType: f.eventType ?? null,
    eventId: f.eventId ?? null,
    createdAfter: f.createdAfter ?? null,
    createdBefore: f.createdBefore ?? null,
  });

  return {
    claimDue: (options) => claimDue.immediate(options),
    cancelInactive: (now) => cancelInactive.run({ now }).changes,
    reclaimExpired: (now) => reclaim.run({ now }).changes,
    finishAttempts: (finished, decide) => finishAttempts.immediate(finished, decide),
    finishAndClaim: (finished, decide, options) => finishAndClaim.immediate(finished, decide, options),
    nextWakeAt(now) {
      const candidates = [nextDue.get({ now })?.at, nextLeaseExpiry.get()?.at].filter((t): t is number => typeof t === 'number');
      return candidates.length ? Math.min(...candidates) : null;
    },
    webhookInProject(projectId, webhookId) {
      const row = webhookOfProject.get({ projectId, webhookId });
      return row && { enabled: row.enabled === 1, deleted: row.deleted === 1, failingSince: row.failing_since };
    },
    list(webhookId, filter) {
      const params = filterParams(webhookId, filter);
      const cursor = filter.startingAfter === undefined ? undefined : cursorOf.get({ webhookId, id: filter.startingAfter });
      if (filter.startingAfter !== undefined && !cursor) return { kind: 'unknown_cursor' };
      const countsByStatus: StatusCounts = { pending: 0, in_flight: 0, succeeded: 0, failed: 0, dead: 0 };
      const counted =
        filter.eventType === undefined && filter.eventId === undefined
          ? countByStatusInWindow.all({ webhookId, createdAfter: filter.createdAfter ?? 0, createdBefore: filter.createdBefore ?? Number.MAX_SAFE_INTEGER })
          : countByStatus.all(params);
      for (const { status, n } of counted) countsByStatus[status] = n;
      const count = filter.status ? countsByStatus[filter.status] : Object.values(countsByStatus).reduce((a, b) => a + b, 0);
      // Past the last row there is nothing to read: skip the query (a poll of an empty filter).
      const rows = filter.offset < count ? pageMatching.all({ ...params, cursorAt: cursor?.created_at ?? null, cursorRowid: cursor?.rid ?? null, limit: filter.limit + 1, offset: filter.offset }) : [];
      return { kind: 'page', count, hasMore: rows.length > filter.limit, items: rows.slice(0, filter.limit), countsByStatus };
    },
    histogram: (webhookId, since, until) => histogramOf.all({ webhookId, since, until }),
    newest: (webhookId) => newestOf.get({ webhookId }),
    ofProject: (projectId, webhookId) => ofProject.all({ projectId, webhookId: webhookId ?? null }),
    get: (webhookId, deliveryId) => getOne.get({ webhookId, id: deliveryId }),
    payloadOf: (eventId) => payload.get({ id: eventId })?.payload,
    attempts: (deliveryId) => attemptsOf.all({ id: deliveryId }),
    redeliver: (webhookId, deliveryId, now) => redeliver.immediate(webhookId, deliveryId, now),
    prune(before) {
      const total = { events: 0, deliveries: 0, attempts: 0 };
      // Small batches, one transaction each, so a large prune never holds the write lock for long.
      for (;;) {
        const done = pruneBatch.immediate(before);
        total.attempts += done.attempts;
        total.deliveries += done.deliveries;
        total.events += done.events;
        if (done.attempts === 0 && done.deliveries === 0 && done.events === 0) return total;
      }
    },
  };
}
