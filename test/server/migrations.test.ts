/**
 * Schema migration 4 (issue 14 §1, issue 15 L5): idempotency records scoped per operation and
 * tied to their webhook. A database from before it upgrades in place; its old create records,
 * which cannot be tied to a webhook (their secret would outlive a delete or rotation), are dropped.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrate } from '../../server/storage/database.js';
import { migrations } from '../../server/storage/migrations.js';

let db: BetterSqlite3.Database | undefined;
afterEach(() => db?.close());

it('upgrades a version-1 database: the idempotency table gains operation, webhook and gone columns; old records go', () => {
  db = new BetterSqlite3(':memory:');
  migrations[0]!(db);
  db.pragma('user_version = 1');
  db.prepare("INSERT INTO projects (id, name, created_at) VALUES ('p', 'P', 0)").run();
  db.prepare("INSERT INTO idempotency_keys (project_id, key, request_hash, status, sealed_body, created_at) VALUES ('p', 'k', 'h', 201, x'00', 0)").run();

  migrate(db);

  expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  const columns = (db.prepare('PRAGMA table_info(idempotency_keys)').all() as Array<{ name: string; notnull: number; pk: number }>).map((c) => [c.name, c.notnull, c.pk]);
  expect(columns).toEqual([
    ['project_id', 1, 1],
    ['operation', 1, 2],
    ['key', 1, 3],
    ['request_hash', 1, 0],
    ['status', 1, 0],
    ['sealed_body', 0, 0],
    ['webhook_id', 0, 0],
    ['holds_secret', 1, 0],
    ['gone_reason', 0, 0],
    ['created_at', 1, 0],
  ]);
  expect(db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys').get()).toEqual({ n: 0 });
  // One key, two operations: two records.
  const insert = db.prepare("INSERT INTO idempotency_keys (project_id, operation, key, request_hash, status, sealed_body, created_at) VALUES ('p', ?, 'k', 'h', 200, x'00', 0)");
  insert.run('createWebhook');
  insert.run('rotateWebhookSecret');
  expect(() => insert.run('createWebhook')).toThrow(/UNIQUE/);
});
