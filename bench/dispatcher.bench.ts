/**
 * `npm run bench`: the dispatcher against a bare undici POST loop, same receiver, same run.
 *
 * Both sides keep 50 requests in flight to one loopback receiver (a closed loop: each of 50
 * senders waits for its request to arrive before sending the next). The dispatcher side is the
 * whole path: publish (event + delivery rows committed to a SQLite file, with group commit as
 * `POST /v1/events` does), wake, claim, sign, POST, record the attempt. 10 webhooks × the default per-webhook limit of 5 = 50 in flight. Latency is from
 * publish (or send) to the receiver's handler seeing the request.
 *
 * Writes dist/bench/dispatcher.json. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { defaultConfig } from '../server/config.js';
import type { EventType } from '../server/delivery/event-catalog.js';
import { createLogger } from '../server/logger.js';
import { createRuntime } from '../server/runtime.js';

const CONCURRENCY = 50;
const WEBHOOKS = 10;
const WARMUP_MS = 1_500;
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1_000;
const ROUNDS = 4;

type Result = { name: string; requests: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number };

/** The receiver: answers 200 at once and wakes whoever waits for this request's key. */
async function startReceiver(keyHeader: (headers: Record<string, string | string[] | undefined>) => string | undefined) {
  const waiting = new Map<string, (at: number) => void>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const at = performance.now();
      const key = keyHeader(req.headers);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const resolve = key ? waiting.get(key) : undefined;
      if (resolve) {
        waiting.delete(key!);
        resolve(at);
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrival: (key: string) => new Promise<number>((resolve) => waiting.set(key, resolve)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `send` in `CONCURRENCY` closed loops for `ms`; each call resolves with its latency in ms. */
async function closedLoop(ms: number, send: (loop: number) => Promise<number>, latencies: number[] | null): Promise<{ requests: number; seconds: number }> {
  const started = performance.now();
  const end = started + ms;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, loop) => {
      while (performance.now() < end) {
        const latency = await send(loop);
        requests++;
        latencies?.push(latency);
      }
    }),
  );
  return { requests, seconds: (performance.now() - started) / 1_000 };
}

type Side = { name: string; send: (loop: number) => Promise<number>; close(): Promise<void> };

async function dispatcherSide(): Promise<Side> {
  const receiver = await startReceiver((h) => h['anchor-delivery-id'] as string | undefined);
  const dir = mkdtempSync(join(tmpdir(), 'anchor-bench-'));
  // The world `serve` builds (database file, stores, catalog, publisher, worker, agent, WAL
  // checkpoint thread), with private targets allowed for the loopback receiver.
  const runtime = createRuntime(
    defaultConfig({ dbPath: join(dir, 'bench.sqlite'), allowPrivateTargets: true, logLevel: 'silent', delivery: { concurrency: CONCURRENCY } }),
    { logger: createLogger({ level: 'silent' }) },
  );
  const { stores, catalog, publisher, clock } = runtime;
  const projectId = stores.projects.create({ name: 'bench' });
  const types = catalog.types.slice(0, WEBHOOKS) as EventType[];
  for (const [i, type] of types.entries()) {
    stores.webhooks.create(projectId, { url: `${receiver.url}/hook/${i}`, subscribed_events: [type], description: null }, clock.now(), WEBHOOKS);
  }
  catalog.warmUp();
  runtime.start();
  return {
    name: 'dispatcher (publish → receipt)',
    // Loop k publishes the type of webhook k % 10: five loops per webhook, its limit.
    async send(loop) {
      const started = performance.now();
      const [deliveryId] = (await publisher.publishQueued({ projectId, type: types[loop % WEBHOOKS]! })).deliveryIds;
      return (await receiver.arrival(deliveryId!)) - started;
    },
    async close() {
      await runtime.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bareUndiciSide(): Promise<Side> {
  const receiver = await startReceiver((h) => h['x-request-id'] as string | undefined);
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  // A body of the size a delivery carries.
  const body = JSON.stringify({ id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1', type: 'task.completed', data: { pad: 'x'.repeat(900) } });
  let next = 0;
  return {
    name: 'bare undici POST loop',
    async send(loop) {
      const id = String(next++);
      const started = performance.now();
      const arrived = receiver.arrival(id);
      const res = await request(`${receiver.url}/hook/${loop % WEBHOOKS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body,
        dispatcher: agent,
      });
      await res.body.text();
      return (await arrived) - started;
    },
    async close() {
      await agent.close();
      await receiver.close();
    },
  };
}

// Rounds alternate between the two sides so that load from anything else on the machine
// falls on both alike; totals are summed over the rounds.
const sides = [await bareUndiciSide(), await dispatcherSide()];
const totals = sides.map(() => ({ requests: 0, seconds: 0, latencies: [] as number[], rounds: [] as number[] }));
for (const side of sides) await closedLoop(WARMUP_MS, side.send, null);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, side] of sides.entries()) {
    const total = totals[i]!;
    const { requests, seconds } = await closedLoop(MEASURE_MS / ROUNDS, side.send, total.latencies);
    total.requests += requests;
    total.seconds += seconds;
    total.rounds.push(requests / seconds);
  }
}
for (const side of sides) await side.close();

const results: Result[] = sides.map((side, i) => {
  const { requests, seconds, latencies } = totals[i]!;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { name: side.name, requests, seconds, perSecond: requests / seconds, p50Ms: pct(50), p99Ms: pct(99) };
});
const [bare, dispatcher] = results as [Result, Result];
const ratio = dispatcher.perSecond / bare.perSecond;
const roundRatios = totals[1]!.rounds.map((r, i) => r / totals[0]!.rounds[i]!);

console.log(`\nDispatcher benchmark: concurrency ${CONCURRENCY}, ${WEBHOOKS} webhooks, loopback receiver, ${ROUNDS} alternating rounds, ${MEASURE_MS / 1000} s per side\n`);
console.table(
  results.map((r) => ({
    run: r.name,
    requests: r.requests,
    'per second': Math.round(r.perSecond),
    'p50 ms': Number(r.p50Ms.toFixed(2)),
    'p99 ms': Number(r.p99Ms.toFixed(2)),
  })),
);
console.log(`throughput ratio dispatcher / bare undici: ${ratio.toFixed(2)} (aim ≥ 0.5); per round: ${roundRatios.map((r) => r.toFixed(2)).join(', ')}\n`);

const out = new URL('../dist/bench/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('dispatcher.json', out),
  `${JSON.stringify({ when: new Date().toISOString(), node: process.version, concurrency: CONCURRENCY, webhooks: WEBHOOKS, rounds: ROUNDS, seconds: MEASURE_MS / 1000, bare, dispatcher, ratio, roundRatios }, null, 2)}\n`,
);
console.log('wrote dist/bench/dispatcher.json');
