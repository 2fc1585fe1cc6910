/**
 * Start-up: `node server/bin.mjs serve` as `npm start` ends (the server compiled by tsc into
 * server/dist/server, built first), on a fresh temporary database, from spawn until
 * `/healthz` answers 200, alternated with the floor, a `node:http` server spawned the same
 * way (`node -e`), which is what Node itself costs. Then, on each started server, the first
 * request of every operation of the spec, with its baseline: the median of the same request
 * repeated once warm. A first request much slower than its repeats is a lazy compile.
 *
 * Loopback only: the webhooks point at a receiver in this process (ANCHOR_ALLOW_PRIVATE_TARGETS=1),
 * so test events and redeliveries never leave the machine.
 *
 * Writes dist/bench/startup.json. Goal: start-up < 1.5 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { operations as specOperations } from '../generated/contract.js';
import { alternate, median, round2, writeResult } from './support/report.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const REPEATS = 5;
const API_KEY = 'anc_startup_benchmark_key_0123456789';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls /healthz every 5 ms from the spawn; resolves with the ms until the first 200. */
async function untilHealthy(port: number, started: number, child: ChildProcess, output: () => string): Promise<number> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the server exited before answering /healthz:\n${output()}`);
    if (performance.now() - started > 60_000) throw new Error(`no /healthz answer in 60 s:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.text();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type Started = { child: ChildProcess; port: number; ms: number; dir?: string };


/** The reference server, as a user starts it. */
async function startServe(): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'anchor-bench-startup-'));
  const port = await freePort();
  let output = '';
  const started = performance.now();
  const child = spawn(process.execPath, ['server/bin.mjs', 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ANCHOR_DB: join(dir, 'anchor.sqlite'),
      ANCHOR_API_KEY: API_KEY,
      ANCHOR_ALLOW_PRIVATE_TARGETS: '1',
      ANCHOR_RATE_LIMIT_PER_SECOND: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const ms = await untilHealthy(port, started, child, () => output);
  return { child, port, ms, dir };
}

/** The floor: Node starting a node:http server that answers /healthz. */
async function startFloor(): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('{"status":"ok"}')).listen(${port}, '127.0.0.1')`], {
    stdio: 'ignore',
  });
  const ms = await untilHealthy(port, started, child, () => '');
  return { child, port, ms };
}

async function stop({ child, dir }: Started): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// ---- first request of every operation ----------------------------------------------

type Call = { method: string; path: string; body?: unknown };
type Timed = { status: number; ms: number; json: any };

async function call(port: number, { method, path, body }: Call): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'anchor-api-key': API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return { status: res.status, ms, json: text ? JSON.parse(text) : undefined };
}

/**
 * Each operation's request, in an order where each finds what it needs. `next()` gives the
 * request for the first call, then for each repeat (fresh ids where a repeat must not fail).
 */
function scenario(receiverUrl: string) {
  const state = { webhookId: '', deliveryId: '', spare: [] as string[] };
  const create = { url: receiverUrl, subscribed_events: ['task.completed'], description: 'startup benchmark' };
  const steps: Array<{ operationId: string; next: () => Call; after?: (t: Timed) => void }> = [
    {
      operationId: 'createWebhook',
      next: () => ({ method: 'POST', path: '/v1/webhooks', body: create }),
      after: (t) => (state.webhookId ? state.spare.push(t.json.id) : (state.webhookId = t.json.id)),
    },
    { operationId: 'listWebhooks', next: () => ({ method: 'GET', path: '/v1/webhooks' }) },
    { operationId: 'getWebhook', next: () => ({ method: 'GET', path: `/v1/webhooks/${state.webhookId}` }) },
    { operationId: 'updateWebhook', next: () => ({ method: 'PATCH', path: `/v1/webhooks/${state.webhookId}`, body: { description: 'updated' } }) },
    { operationId: 'rotateWebhookSecret', next: () => ({ method: 'POST', path: `/v1/webhooks/${state.webhookId}/rotate-secret` }) },
    { operationId: 'listWebhookEventTypes', next: () => ({ method: 'GET', path: '/v1/webhook-event-types' }) },
    {
      operationId: 'sendWebhookTestEvent',
      next: () => ({ method: 'POST', path: `/v1/webhooks/${state.webhookId}/test`, body: { event_type: 'task.completed' } }),
      after: (t) => (state.deliveryId ||= t.json.delivery_id),
    },
    { operationId: 'publishEvent', next: () => ({ method: 'POST', path: '/v1/events', body: { type: 'task.completed' } }) },
    { operationId: 'listWebhookEvents', next: () => ({ method: 'GET', path: `/v1/webhooks/${state.webhookId}/events` }) },
    { operationId: 'getWebhookEvent', next: () => ({ method: 'GET', path: `/v1/webhooks/${state.webhookId}/events/${state.deliveryId}` }) },
    { operationId: 'getWebhookStats', next: () => ({ method: 'GET', path: `/v1/webhooks/${state.webhookId}/stats` }) },
    { operationId: 'getServerInfo', next: () => ({ method: 'GET', path: '/v1/server-info' }) },
    // 202, or 409 while the previous redelivery is still in flight: both are the operation's answers.
    { operationId: 'redeliverWebhookEvent', next: () => ({ method: 'POST', path: `/v1/webhooks/${state.webhookId}/events/${state.deliveryId}/redeliver` }) },
    { operationId: 'deleteWebhook', next: () => ({ method: 'DELETE', path: `/v1/webhooks/${state.spare.pop() ?? state.webhookId}` }) },
  ];
  return steps;
}

async function firstRequests(port: number, receiverUrl: string) {
  const steps = scenario(receiverUrl);
  const missing = specOperations.filter((op) => !steps.some((s) => s.operationId === op.operationId)).map((op) => op.operationId);
  if (missing.length) throw new Error(`the start-up benchmark does not call: ${missing.join(', ')}`);
  const rows: Array<{ operationId: string; status: number; firstMs: number; warmMs: number }> = [];
  for (const step of steps) {
    const first = await call(port, step.next());
    step.after?.(first);
    const repeats: number[] = [];
    // Creates stop at the project's limit of 5; deletes use the spares those creates made.
    const count = step.operationId === 'createWebhook' || step.operationId === 'deleteWebhook' ? 3 : REPEATS;
    for (let i = 0; i < count; i++) {
      const again = await call(port, step.next());
      step.after?.(again);
      repeats.push(again.ms);
    }
    rows.push({ operationId: step.operationId, status: first.status, firstMs: first.ms, warmMs: median(repeats) });
  }
  return rows;
}

// ---- run ---------------------------------------------------------------------------

// What `npm start` does before it starts the server.
const built = spawnSync(process.execPath, ['server/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`server/build.mjs failed:\n${built.stdout}${built.stderr}`);
process.stdout.write(built.stdout);

const receiver: Server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
}).listen(0, '127.0.0.1');
await new Promise((resolve) => receiver.once('listening', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const firstCalls: Array<Awaited<ReturnType<typeof firstRequests>>> = [];
const starts = await alternate(['serve', 'node:http'] as const, STARTS, async (variant) => {
  const started = variant === 'serve' ? await startServe() : await startFloor();
  try {
    if (variant === 'serve') firstCalls.push(await firstRequests(started.port, receiverUrl));
  } finally {
    await stop(started);
  }
  return started.ms;
});
receiver.closeAllConnections();
receiver.close();

// The first (warming) start's figures are not counted, as for the starts.
const measured = firstCalls.slice(1);
const operations = measured[0]!.map((row, i) => {
  const firsts = measured.map((run) => run[i]!.firstMs);
  const warms = measured.map((run) => run[i]!.warmMs);
  return { operationId: row.operationId, status: row.status, firstMs: median(firsts), warmMs: median(warms), ratio: median(firsts) / median(warms) };
});
const serve = { medianMs: median(starts.serve), maxMs: Math.max(...starts.serve), runsMs: starts.serve.map(Math.round) };
const floor = { medianMs: median(starts['node:http']), maxMs: Math.max(...starts['node:http']), runsMs: starts['node:http'].map(Math.round) };

console.log(`\nStart-up: spawn until /healthz answers, ${STARTS} alternating starts each (after one unmeasured)\n`);
console.table([
  { process: 'node server/bin.mjs serve', 'median ms': Math.round(serve.medianMs), 'max ms': Math.round(serve.maxMs), runs: serve.runsMs.join(' ') },
  { process: 'node -e (node:http floor)', 'median ms': Math.round(floor.medianMs), 'max ms': Math.round(floor.maxMs), runs: floor.runsMs.join(' ') },
]);
console.log(`start-up ${Math.round(serve.medianMs)} ms (goal < 1500 ms); over the node:http floor: +${Math.round(serve.medianMs - floor.medianMs)} ms`);
console.log('First request of each operation on a fresh server, against the same request once warm (medians over the starts)');
console.table(operations.map((o) => ({ operation: o.operationId, status: o.status, 'first ms': round2(o.firstMs), 'warm ms': round2(o.warmMs), 'first/warm': round2(o.ratio) })));

const out = writeResult('startup', { starts: STARTS, goalMs: 1500, serve, floor, operations });
console.log(`wrote ${out}`);
