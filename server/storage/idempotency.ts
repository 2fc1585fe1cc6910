import type { Database } from './database.js';
import type { SecretBox } from './secret-box.js';

/** A stored create response. Its body holds the webhook's secret, so it is kept sealed. */
export type IdempotentResponse = { requestHash: string; status: number; body: string };

/** Idempotency-Key records, scoped per project, replayable for `ttlMs` after they are saved. */
export type IdempotencyStore = {
  find(projectId: string, key: string, now: number): IdempotentResponse | undefined;
  /** Saves (or replaces an expired) record. */
  save(projectId: string, key: string, response: IdempotentResponse, now: number): void;
  /** Drops expired records; returns how many. */
  sweep(now: number): number;
};

const context = (projectId: string, key: string) => `idempotency:${projectId}:${key}`;

export function createIdempotencyStore(db: Database, box: SecretBox, ttlMs: number): IdempotencyStore {
  const select = db.prepare<[string, string, number], { request_hash: string; status: number; sealed_body: Buffer }>(
    'SELECT request_hash, status, sealed_body FROM idempotency_keys WHERE project_id = ? AND key = ? AND created_at > ?',
  );
  const upsert = db.prepare<[string, string, string, number, Buffer, number]>(
    'INSERT OR REPLACE INTO idempotency_keys (project_id, key, request_hash, status, sealed_body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const deleteExpired = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at <= ?');

  return {
    find(projectId, key, now) {
      const row = select.get(projectId, key, now - ttlMs);
      if (!row) return undefined;
      return { requestHash: row.request_hash, status: row.status, body: box.open(row.sealed_body, context(projectId, key)) };
    },
    save(projectId, key, response, now) {
      upsert.run(projectId, key, response.requestHash, response.status, box.seal(response.body, context(projectId, key)), now);
    },
    sweep: (now) => deleteExpired.run(now - ttlMs).changes,
  };
}
