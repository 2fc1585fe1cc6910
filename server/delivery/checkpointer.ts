import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';

export type Checkpointer = {
  /** Stops the thread after a last checkpoint and gives checkpoints back to the connection. */
  stop(): Promise<void>;
};

export type CheckpointerOptions = {
  /** How often the thread copies the WAL into the database file. */
  intervalMs?: number;
  /**
   * The connection still checkpoints by itself past this many WAL pages: a bound on the WAL
   * should the thread fall behind or die.
   */
  fallbackPages?: number;
  logger?: Pick<Logger, 'warn'>;
};

/** A plain CommonJS file: it runs the same from the sources (tests) and from dist/. */
const THREAD_FILE = new URL('./checkpoint-thread.cjs', import.meta.url);

/**
 * Moves WAL checkpoints off the event loop. With `synchronous = NORMAL` a commit only appends to
 * the WAL; the checkpoint that copies it into the database file, with its fsyncs, is what costs,
 * and SQLite runs it inside whichever commit crosses `wal_autocheckpoint`. The delivery
 * worker commits many times a second, so here a thread does it instead. Durability is unchanged: a
 * committed transaction is in the WAL either way, and a crash mid-checkpoint is recovered on open.
 */
export function startBackgroundCheckpoints(db: Database, options: CheckpointerOptions = {}): Checkpointer {
  const { intervalMs = 100, fallbackPages = 10_000, logger } = options;
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return { stop: async () => {} };
  const previous = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const restore = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${previous}`);
  };
  const worker = new Worker(THREAD_FILE, { workerData: { path: db.name, intervalMs } });
  worker.unref();
  let running = true;
  worker.on('message', (message: { error?: string }) => {
    if (message.error) logger?.warn({ error: message.error }, 'background WAL checkpoint failed; it is tried again');
  });
  worker.on('error', (err) => {
    logger?.warn({ err }, 'background WAL checkpoints stopped; the connection checkpoints by itself again');
  });
  worker.on('exit', () => {
    if (running) restore();
    running = false;
  });
  db.pragma(`wal_autocheckpoint = ${fallbackPages}`);
  return {
    async stop() {
      if (!running) return;
      running = false;
      restore();
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
