import type { components } from '../../generated/schema.js';
import type { Database } from './database.js';
import type { IdSource } from './ids.js';
import type { SecretsStore } from './secrets.js';

export type WebhookEventType = components['schemas']['WebhookEventType'];
type DisabledReason = components['schemas']['WebhookPublic']['disabled_reason'];

/** A live webhook as stored: times in Unix milliseconds (`present.ts` shapes the API object). */
export type WebhookRow = {
  id: string;
  project_id: string;
  url: string;
  description: string | null;
  subscribed_events: WebhookEventType[];
  enabled: boolean;
  disabled_reason: DisabledReason;
  created_at: number;
  updated_at: number;
  /** When the secret replaced by the last rotation expires, possibly already past; null when there is none. */
  previous_secret_expires_at: number | null;
};
export type NewWebhook = { url: string; subscribed_events: WebhookEventType[]; description: string | null };
/** The fields an update may change; `enabled` also sets or clears `disabled_reason`. */
export type WebhookChanges = Partial<NewWebhook> & { enabled?: boolean };

/**
 * Webhooks of a project. Every read and write is scoped by project id, so another
 * project's webhook is indistinguishable from a missing one. Deleted webhooks are
 * kept (soft delete) but never returned here.
 */
export type WebhooksStore = {
  /** Inserts the webhook and its first secret, unless the project already has `limit` live webhooks. */
  create(projectId: string, input: NewWebhook, now: number, limit: number): { webhook: WebhookRow; secret: string } | undefined;
  list(projectId: string): WebhookRow[];
  get(projectId: string, webhookId: string): WebhookRow | undefined;
  update(projectId: string, webhookId: string, changes: WebhookChanges, now: number): WebhookRow | undefined;
  softDelete(projectId: string, webhookId: string, now: number): { id: string; deletedAt: number } | undefined;
};

type Row = {
  id: string;
  project_id: string;
  url: string;
  description: string | null;
  subscribed_events: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
  previous_secret_expires_at: number | null;
};

// The previous secret's expiry: a rotation keeps at most one secret with an expiry.
const COLUMNS = `id, project_id, url, description, subscribed_events, enabled, disabled_reason, created_at, updated_at,
  (SELECT MAX(s.expires_at) FROM webhook_secrets s WHERE s.webhook_id = webhooks.id) AS previous_secret_expires_at`;

function toWebhook(row: Row): WebhookRow {
  return {
    ...row,
    subscribed_events: JSON.parse(row.subscribed_events) as WebhookEventType[],
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason as DisabledReason,
  };
}

export function createWebhooksStore(db: Database, secrets: SecretsStore, ids: Pick<IdSource, 'webhookId'>): WebhooksStore {
  const countLive = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM webhooks WHERE project_id = ? AND deleted_at IS NULL');
  const insert = db.prepare<[string, string, string, string | null, string, number, number]>(
    'INSERT INTO webhooks (id, project_id, url, description, subscribed_events, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  // Newest first; ULIDs break ties between webhooks created in the same millisecond.
  const selectLive = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM webhooks WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC`);
  const selectOne = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM webhooks WHERE id = ? AND project_id = ? AND deleted_at IS NULL`);
  const updateRow = db.prepare<{
    id: string;
    url: string;
    description: string | null;
    subscribed_events: string;
    enabled: number;
    disabled_reason: string | null;
    clear_failing: number;
    updated_at: number;
  }>(
    `UPDATE webhooks SET url = @url, description = @description, subscribed_events = @subscribed_events, enabled = @enabled,
       disabled_reason = @disabled_reason, failing_since = CASE WHEN @clear_failing THEN NULL ELSE failing_since END, updated_at = @updated_at
     WHERE id = @id AND deleted_at IS NULL`,
  );
  const markDeleted = db.prepare<[number, number, string, string]>(
    'UPDATE webhooks SET deleted_at = ?, updated_at = ? WHERE id = ? AND project_id = ? AND deleted_at IS NULL',
  );

  // Count and insert in one IMMEDIATE transaction: the limit holds however many creates race.
  const create = db.transaction((projectId: string, input: NewWebhook, now: number, limit: number) => {
    if (countLive.get(projectId)!.n >= limit) return undefined;
    const id = ids.webhookId(now);
    insert.run(id, projectId, input.url, input.description, JSON.stringify(input.subscribed_events), now, now);
    const secret = secrets.mint(id, now);
    return { webhook: toWebhook(selectOne.get(id, projectId)!), secret };
  });

  const update = db.transaction((projectId: string, webhookId: string, changes: WebhookChanges, now: number) => {
    const row = selectOne.get(webhookId, projectId);
    if (!row) return undefined;
    let enabled = row.enabled;
    let disabledReason = row.disabled_reason;
    let clearFailing = 0;
    if (changes.enabled === false) {
      enabled = 0;
      disabledReason = 'manual';
    } else if (changes.enabled === true) {
      enabled = 1;
      disabledReason = null;
      clearFailing = 1;
    }
    updateRow.run({
      id: webhookId,
      url: changes.url ?? row.url,
      description: changes.description !== undefined ? changes.description : row.description,
      subscribed_events: changes.subscribed_events ? JSON.stringify(changes.subscribed_events) : row.subscribed_events,
      enabled,
      disabled_reason: disabledReason,
      clear_failing: clearFailing,
      updated_at: now,
    });
    return toWebhook(selectOne.get(webhookId, projectId)!);
  });

  return {
    create: (projectId, input, now, limit) => create.immediate(projectId, input, now, limit),
    list: (projectId) => selectLive.all(projectId).map(toWebhook),
    get(projectId, webhookId) {
      const row = selectOne.get(webhookId, projectId);
      return row ? toWebhook(row) : undefined;
    },
    update: (projectId, webhookId, changes, now) => update.immediate(projectId, webhookId, changes, now),
    softDelete(projectId, webhookId, now) {
      return markDeleted.run(now, now, webhookId, projectId).changes === 1 ? { id: webhookId, deletedAt: now } : undefined;
    },
  };
}
