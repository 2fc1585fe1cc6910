import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrations } from './migrations.js';

export type { Database };

/** The database holds key hashes and sealed secrets: its directory and files are the owner's alone. */
export const DATA_DIRECTORY_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Opens (creating if needed) the SQLite file, in WAL mode, migrated to the latest schema. */
export function openDatabase(path: string): Database {
  if (path !== ':memory:') prepareOwnerOnlyFiles(path);
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      migrations[version]!(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * SQLite creates a database file 0644 (less the umask) and gives the -wal, -shm and -journal
 * files it creates later the database file's mode. So the file is created here first, owner-only,
 * and every file an earlier run left behind is tightened. A directory that already exists (the
 * working directory, say) is left as it is: only one created here is made 0700.
 */
function prepareOwnerOnlyFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: DATA_DIRECTORY_MODE });
  closeSync(openSync(path, 'a', DATA_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) ownerOnly(file);
}

function ownerOnly(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (mode !== DATA_FILE_MODE) chmodSync(file, DATA_FILE_MODE);
}
