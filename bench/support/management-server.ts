/**
 * The management benchmark's server process: one SQLite file, seeded, served by the validated,
 * bare and ceiling servers on three loopback ports. The load generator runs in the parent
 * process, so the servers get a core of their own and share it with nothing but each other
 * (only one is under load at a time).
 *
 * Talks to the parent over IPC: sends `ready` with the ports, keys and ids; answers `reset`
 * (delete what create/delete rounds left live) with `reset-done`, and `cpu` with the CPU time it
 * has used so far.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime } from '../../server/runtime.js';
import { bareApp, ceilingServer, validatedApp, type BenchDeps } from './management-apps.js';

export const VARIANTS = ['validated', 'bare', 'ceiling'] as const;
export type Variant = (typeof VARIANTS)[number];

export type Ready = {
  type: 'ready';
  ports: Partial<Record<Variant, number>>;
  /** A project with 5 webhooks, for the reads. */
  readKey: string;
  readIds: string[];
  /** Projects with no webhooks, one per concurrent create/delete pair. */
  writeKeys: string[];
  /** `process.hrtime` in µs when the servers were ready: a profile is read from here on. */
  readyAtUs: number;
};

export const WRITE_PROJECTS = 64;

const only = (process.env.BENCH_VARIANTS ?? VARIANTS.join(',')).split(',') as Variant[];
const dir = mkdtempSync(join(tmpdir(), 'anchor-bench-mgmt-'));
// A public address for every host name: the URL rules run in full, with no DNS.
const resolver: BenchDeps['resolver'] = async () => [{ address: '93.184.215.14', family: 4 }];
// Rate limiting off: the benchmark measures the request path, not the 429s it would produce.
const runtime = createRuntime(defaultConfig({ dbPath: join(dir, 'bench.sqlite'), rateLimitPerSecond: 0, logLevel: 'silent' }), {
  resolver,
  logger: createLogger({ level: 'silent' }),
});
const { stores, clock } = runtime;
const db = stores.db;
const deps: BenchDeps = { runtime, resolver };

const readProject = stores.projects.create({ name: 'reads' });
const readKey = stores.projects.createApiKey(readProject);
const readIds = Array.from({ length: 5 }, (_, i) => {
  const input = { url: `https://hooks.anchor-customer.io/anchor/${i}`, subscribed_events: ['task.completed' as const, 'task.failed' as const], description: `bench ${i}` };
  return stores.webhooks.create(readProject, input, clock.now(), 5)!.webhook.id;
});
const writeProjects = Array.from({ length: WRITE_PROJECTS }, () => stores.projects.create({ name: 'writes' }));
const writeKeys = writeProjects.map((id) => stores.projects.createApiKey(id));
const deleteLeftovers = db.prepare(`UPDATE webhooks SET deleted_at = ? WHERE deleted_at IS NULL AND project_id IN (${writeProjects.map(() => '?').join(',')})`);

const servers: Partial<Record<Variant, Server>> = {};
for (const variant of only) {
  const server = variant === 'validated' ? validatedApp(deps).listen(0, '127.0.0.1') : variant === 'bare' ? bareApp(deps).listen(0, '127.0.0.1') : ceilingServer(deps).listen(0, '127.0.0.1');
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  servers[variant] = server;
}

const ports = Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, (server!.address() as AddressInfo).port]));
process.send!({ type: 'ready', ports, readKey, readIds, writeKeys, readyAtUs: Number(process.hrtime.bigint() / 1000n) } satisfies Ready);

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    deleteLeftovers.run(Date.now(), ...writeProjects);
    process.send!({ type: 'reset-done' });
  }
  // CPU time is the figure other processes on the machine disturb least.
  if (message.type === 'cpu') process.send!({ type: 'cpu', micros: cpuMicros() });
});

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

process.on('disconnect', async () => {
  for (const server of Object.values(servers)) server!.closeAllConnections();
  await runtime.close({ drainTimeoutMs: 0 });
  rmSync(dir, { recursive: true, force: true });
  // Lets --cpu-prof write its profile.
  process.exit(0);
});
