/**
 * L7: the database directory and files are the owner's alone. The SQLite file holds key hashes
 * and sealed secrets and the key file opens them: the directory `serve` creates is 0700, and
 * the database, its -wal and -shm, and the key file are 0600, after the first start and after the
 * first write (SQLite creates -wal and -shm then), whatever the umask. A database left readable by
 * an older version is tightened when it is opened.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/database.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'anchor-modes-'));
let serving: ServerProcess | undefined;
afterEach(async () => {
  if (serving && serving.child.exitCode === null && serving.child.signalCode === null) {
    serving.child.kill('SIGTERM');
    await serving.exited;
  }
  serving = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(3, '0');

/** Runs `fn` with a umask that leaves every permission on: the modes must not depend on the caller's. */
async function withOpenUmask<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(0);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

it('serve creates the database directory 0700 and the database, -wal, -shm and key file 0600, after the first start and the first write', async () => {
  const dataDir = join(dir, 'first-start', 'data');
  const dbPath = join(dataDir, 'anchor.sqlite');
  const apiKey = `anc_${randomBytes(32).toString('base64url')}`;
  // Private targets allowed so that the webhook below names loopback (no DNS; nothing is delivered).
  serving = await withOpenUmask(() => spawnServer({ ANCHOR_DB: dbPath, ANCHOR_API_KEY: apiKey, ANCHOR_ALLOW_PRIVATE_TARGETS: '1' }));

  const files = [dbPath, join(dataDir, 'anchor.key'), `${dbPath}-wal`, `${dbPath}-shm`];
  expect(modeOf(dataDir)).toBe('700');
  expect(modeOf(join(dir, 'first-start'))).toBe('700');
  for (const file of files.filter(existsSync)) expect(modeOf(file), file).toBe('600');
  expect(existsSync(dbPath) && existsSync(join(dataDir, 'anchor.key'))).toBe(true);

  // The first write through the API: the WAL and its index exist now, owner-only like the database.
  const created = await fetch(`${serving.url}/v1/webhooks`, {
    method: 'POST',
    headers: { 'anchor-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', subscribed_events: ['task.completed'] }),
  });
  expect(created.status).toBe(201);
  for (const file of files) {
    expect(existsSync(file), file).toBe(true);
    expect(modeOf(file), file).toBe('600');
  }
});

it('opening a database an older version left readable (0644 database, -wal and -shm) makes it 0600', () => {
  const dbPath = join(dir, 'older', 'anchor.sqlite');
  const older = withUmask(0o022, () => {
    openDatabase(join(dir, 'older', 'seed.sqlite')).close(); // creates the directory
    const db = new BetterSqlite3(dbPath);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    return db;
  });
  try {
    // Still open: its -wal and -shm stay on disk, as after a crash.
    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) expect(modeOf(file), file).toBe('644');
    openDatabase(dbPath).close();
    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) expect(modeOf(file), file).toBe('600');
  } finally {
    older.close();
  }
});

function withUmask<T>(mask: number, fn: () => T): T {
  const previous = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}
