import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime } from '../../server/runtime.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

const EVENTS = 2_000;
const API_KEY = 'anc_crash_safety_test_key_0123456789';

const dir = mkdtempSync(join(tmpdir(), 'anchor-crash-'));
const dbPath = join(dir, 'anchor.sqlite');
const env = {
  ANCHOR_DB: dbPath,
  ANCHOR_API_KEY: API_KEY,
  ANCHOR_ALLOW_PRIVATE_TARGETS: '1',
  // The lease is the timeout + 5 s: short enough for a quick recovery, long enough that a loaded
  // machine does not time attempts out (a timed-out attempt is retried: a duplicate of another kind).
  ANCHOR_DELIVERY_TIMEOUT_MS: '4000',
  ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK: '20',
};
const cleanup: Array<() => unknown> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
  rmSync(dir, { recursive: true, force: true });
});

async function api(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'anchor-api-key': API_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

function readDb<T>(fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('crash safety: kill -9 mid-way, restart on the same database', () => {
  it('delivers every event at least once; each duplicate was in flight at the kill; the database is intact', async () => {
    // Slow enough that many deliveries are in flight when the server dies.
    const receiver: Receiver = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: 25 }));
    cleanup.push(() => receiver.close());

    const first = await spawnServer(env);
    cleanup.push(() => first.child.kill('SIGKILL'));
    const webhook = await api(first, 'POST', '/v1/webhooks', { url: receiver.url, subscribed_events: ['task.completed'] });

    // Published as `anchor-webhooks trigger` does: straight into the server's database file, from
    // another process's connection; the running server's worker picks the rows up on its next poll.
    const published = new Set<string>();
    const writer = createRuntime(defaultConfig({ dbPath, delivery: { retrySchedule: [0] } }), { logger: createLogger({ level: 'silent' }) });
    const { publisher } = writer;
    for (let i = 0; i < EVENTS; i++) {
      const event = publisher.publish({ projectId: webhook.project_id, type: 'task.completed' });
      expect(event.deliveryIds).toHaveLength(1);
      published.add(event.id);
      // The receiver shares this process: let it answer, or the server's attempts would time out.
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    await writer.close();
    expect(published.size).toBe(EVENTS);
    await receiver.waitFor(300, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const receivedAtKill = receiver.requests.length;

    const inFlightAtKill = new Set(readDb((db) => db.prepare("SELECT id FROM deliveries WHERE status = 'in_flight'").pluck().all() as string[]));
    expect(receivedAtKill).toBeLessThan(EVENTS); // the kill really was mid-way
    expect(inFlightAtKill.size).toBeGreaterThan(0);

    const second = await spawnServer(env);
    cleanup.push(() => second.child.kill('SIGKILL'));
    // Read incrementally: re-parsing every body on each check would stall the receiver in this process.
    const received = new Set<string>();
    let parsed = 0;
    const receivedIds = () => {
      for (; parsed < receiver.requests.length; parsed++) received.add(JSON.parse(receiver.requests[parsed]!.rawBody.toString()).id);
      return received;
    };
    const deadline = Date.now() + 40_000;
    while (receivedIds().size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

    // Every event arrived at least once.
    expect([...published].filter((id) => !received.has(id))).toEqual([]);
    // Each duplicate is a delivery that was in flight when the first server died.
    const seen = new Map<string, number>();
    for (const r of receiver.requests) {
      const id = r.headers['anchor-delivery-id'] as string;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    const unexplained = duplicates.filter((id) => !inFlightAtKill.has(id));
    if (unexplained.length) {
      const attempts = readDb((db) => db.prepare(`SELECT delivery_id, attempt_number, error FROM delivery_attempts WHERE delivery_id IN (${unexplained.map(() => '?').join(',')})`).all(...unexplained));
      console.error('duplicates not in flight at the kill, with their attempts:', attempts);
    }
    expect(unexplained).toEqual([]);
    expect([...seen.values()].every((n) => n <= 2)).toBe(true);

    // The log agrees: every delivery succeeded (the last answers may still be being recorded).
    const succeeded = async () => (await api(second, 'GET', `/v1/webhooks/${webhook.id}/events?status=succeeded&limit=1`)).data.count as number;
    while ((await succeeded()) < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await succeeded()).toBe(EVENTS);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(readDb((db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    console.info(`crash test: ${receivedAtKill} received before the kill, ${inFlightAtKill.size} in flight, ${duplicates.length} delivered twice`);
  }, 90_000);

  it('SIGTERM stops claiming and lets the attempts under way finish before exiting', async () => {
    const receiver: Receiver = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: 400 }));
    cleanup.push(() => receiver.close());
    const server = await spawnServer({ ...env, ANCHOR_DB: join(dir, 'graceful.sqlite') });
    cleanup.push(() => server.child.kill('SIGKILL'));
    const webhook = await api(server, 'POST', '/v1/webhooks', { url: receiver.url, subscribed_events: ['task.failed'] });
    for (let i = 0; i < 3; i++) await api(server, 'POST', '/v1/events', { type: 'task.failed' });
    await receiver.waitFor(3);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const statuses = readDbAt(join(dir, 'graceful.sqlite'), (db) => db.prepare('SELECT status FROM deliveries WHERE webhook_id = ?').pluck().all(webhook.id));
    expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded']);
  }, 30_000);
});

function readDbAt<T>(path: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
