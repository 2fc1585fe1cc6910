import type { Database } from './database.js';
import type { SecretBox } from './secret-box.js';

/** Where a key applies: one project, one operation (`createWebhook`, `rotateWebhookSecret`…). */
export type IdempotencyScope = { projectId: string; operation: string; key: string };

/** Why a stored answer may no longer be replayed. */
export type GoneReason = 'webhook_deleted' | 'secret_rotated';

/** A stored answer. Its body may hold a signing secret, so it is kept sealed, and dropped once gone. */
export type IdempotentResponse = { requestHash: string; status: number; body: string };
export type StoredResponse = { requestHash: string; status: number } & ({ body: string; gone: null } | { body: null; gone: GoneReason });

/** Idempotency-Key records, scoped per project and operation, replayable for `ttlMs` after they are saved. */
export type IdempotencyStore = {
  find(scope: IdempotencyScope, now: number): StoredResponse | undefined;
  /**
   * Saves (or replaces an expired) record. `webhookId` is the webhook the answer is about;
   * `holdsSecret` marks an answer that shows its signing secret.
   */
  save(scope: IdempotencyScope, response: IdempotentResponse & { webhookId?: string; holdsSecret?: boolean }, now: number): void;
  /**
   * Drops the stored answers about a webhook (only those holding its secret, for
   * `secret_rotated`), keeping the fact that the key was used and why it is not replayed.
   * Returns how many.
   */
  forget(webhookId: string, reason: GoneReason): number;
  /** Drops expired records; returns how many. */
  sweep(now: number): number;
};

const context = ({ projectId, operation, key }: IdempotencyScope) => `idempotency:${projectId}:${operation}:${key}`;

type Row = { request_hash: string; status: number; sealed_body: Buffer | null; gone_reason: GoneReason | null };

export function createIdempotencyStore(db: Database, box: SecretBox, ttlMs: number): IdempotencyStore {
  const select = db.prepare<[string, string, string, number], Row>(
    'SELECT request_hash, status, sealed_body, gone_reason FROM idempotency_keys WHERE project_id = ? AND operation = ? AND key = ? AND created_at > ?',
  );
  const upsert = db.prepare<[string, string, string, string, number, Buffer, string | null, number, number]>(
    `INSERT OR REPLACE INTO idempotency_keys (project_id, operation, key, request_hash, status, sealed_body, webhook_id, holds_secret, gone_reason, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
  );
  const forgetAll = db.prepare<[string, string]>(
    'UPDATE idempotency_keys SET sealed_body = NULL, gone_reason = ? WHERE webhook_id = ? AND sealed_body IS NOT NULL',
  );
  const forgetSecrets = db.prepare<[string, string]>(
    'UPDATE idempotency_keys SET sealed_body = NULL, gone_reason = ? WHERE webhook_id = ? AND holds_secret = 1 AND sealed_body IS NOT NULL',
  );
  const deleteExpired = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at <= ?');

  return {
    find(scope, now) {
      const row = select.get(scope.projectId, scope.operation, scope.key, now - ttlMs);
      if (!row) return undefined;
      const base = { requestHash: row.request_hash, status: row.status };
      if (row.sealed_body === null) return { ...base, body: null, gone: row.gone_reason ?? 'webhook_deleted' };
      return { ...base, body: box.open(row.sealed_body, context(scope)), gone: null };
    },
    save(scope, response, now) {
      const sealed = box.seal(response.body, context(scope));
      upsert.run(scope.projectId, scope.operation, scope.key, response.requestHash, response.status, sealed, response.webhookId ?? null, response.holdsSecret ? 1 : 0, now);
    },
    forget: (webhookId, reason) => (reason === 'webhook_deleted' ? forgetAll : forgetSecrets).run(reason, webhookId).changes,
    sweep: (now) => deleteExpired.run(now - ttlMs).changes,
  };
}
