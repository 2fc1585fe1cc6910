import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints } from '../../server/delivery/checkpointer.js';
import { openDatabase, type Database } from '../../server/storage/database.js';

const dirs: string[] = [];
const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'anchor-checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'test.sqlite');
  const db = openDatabase(path);
  opened.push(db);
  db.exec('CREATE TABLE filler (body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  // 200 small commits of 2 KiB each: about 100 pages, far below wal_autocheckpoint (1,000).
  const write = () => {
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2048));
  };
  return { db, path, write, size: () => statSync(path).size };
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('background WAL checkpoints', () => {
  it('copies committed pages into the database file off the event loop, and gives checkpoints back on stop', async () => {
    const t = fileDatabase();
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    // Without the thread, small commits stay in the WAL: the database file does not grow.
    const before = t.size();
    t.write();
    expect(t.size()).toBe(before);

    const checkpointer = startBackgroundCheckpoints(t.db, { intervalMs: 20 });
    // The connection keeps only a fallback bound on the WAL for itself.
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    expect(await until(() => t.size() >= before + 200 * 2048, 10_000)).toBe(true);

    // Later commits are copied too, and the rows are all there.
    const afterFirst = t.size();
    t.write();
    expect(await until(() => t.size() >= afterFirst + 200 * 2048, 10_000)).toBe(true);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM filler').get()).toEqual({ n: 400 });

    await checkpointer.stop();
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop(); // idempotent
    expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    opened.push(db);
    const checkpointer = startBackgroundCheckpoints(db, { intervalMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
  });
});
