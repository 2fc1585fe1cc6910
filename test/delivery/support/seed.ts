import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../../server/storage/database.js';

/** A manual clock: tests move time explicitly. */
export function manualClock(start = Date.parse('2026-05-14T09:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    set: (t: number) => void (now = t),
    advance: (ms: number) => void (now += ms),
  };
}

/**
 * Rows the management API would have written, for storage-level tests that must not depend on
 * the server's stores: a project and webhooks with the columns the delivery code reads.
 */
export function seedDatabase(db: Database = openDatabase(':memory:')) {
  const projectId = randomUUID();
  db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)').run(projectId, 'test', 0);
  let n = 0;
  return {
    db,
    projectId,
    addProject() {
      const id = randomUUID();
      db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)').run(id, 'other', 0);
      return id;
    },
    addWebhook(options: { url?: string; events?: string[]; enabled?: boolean; deleted?: boolean; project?: string } = {}) {
      const id = `wh_01HXJ4MZ7K9P3Q6R8S2T4V5W${String(n++).padStart(2, '0')}`;
      db.prepare(
        `INSERT INTO webhooks (id, project_id, url, description, subscribed_events, enabled, disabled_reason, created_at, updated_at, deleted_at)
         VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        options.project ?? projectId,
        options.url ?? 'https://receiver.example.com/hook',
        JSON.stringify(options.events ?? ['task.completed']),
        options.enabled === false ? 0 : 1,
        options.enabled === false ? 'manual' : null,
        n,
        n,
        options.deleted ? n : null,
      );
      return id;
    },
    setWebhook(id: string, fields: { enabled?: boolean; deleted?: boolean }) {
      if (fields.enabled !== undefined) db.prepare('UPDATE webhooks SET enabled = ?, disabled_reason = ? WHERE id = ?').run(fields.enabled ? 1 : 0, fields.enabled ? null : 'manual', id);
      if (fields.deleted) db.prepare('UPDATE webhooks SET deleted_at = 1 WHERE id = ?').run(id);
    },
    webhook(id: string) {
      return db.prepare('SELECT enabled, disabled_reason, failing_since FROM webhooks WHERE id = ?').get(id) as {
        enabled: number;
        disabled_reason: string | null;
        failing_since: number | null;
      };
    },
  };
}
