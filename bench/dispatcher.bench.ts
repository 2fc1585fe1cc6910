/**
 * `npm run bench`: the dispatcher against a bare undici POST loop, same receiver, same run.
 *
 * Both sides keep 50 requests in flight to one loopback receiver (a closed loop: each of 50
 * senders waits for its request to arrive before sending the next). The dispatcher side is the
 * whole path: publish (event + delivery rows committed to a SQLite file, with group commit as
 * `POST /v1/events` does), wake, claim, sign, POST, record the attempt. 10 webhooks × the default
 * per-webhook limit of 5 = 50 in flight. Latency is from publish (or send) to the receiver's
 * handler seeing the request.
 *
 * The receiver runs in a child process (bench/support/receiver.ts), so this process's CPU time
 * is the sender's alone: for the dispatcher, publish + worker + SQLite (and its checkpoint
 * thread); for the bare side, undici. Both sides also read the receiver's arrival reports (one
 * IPC message per event-loop turn of the receiver, the same on both sides). CPU µs per delivery
 * is taken per round (process.cpuUsage around it); the headline ratio is bare µs / dispatcher µs,
 * medians of the rounds, as the management bench's is by server CPU per request.
 *
 * BENCH_SECONDS (default 10) per side, in BENCH_ROUNDS (default 5) alternating rounds.
 * Writes dist/bench/dispatcher.json. Not part of `npm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { deliveryHeaders } from '@anchor-webhooks/client/sending';
import { defaultConfig } from '../server/config.js';
import { createDeliveryAgent, createPreflight } from '../server/delivery/agent.js';
import { sendAttempt } from '../server/delivery/attempt.js';
import type { EventType } from '../server/delivery/event-catalog.js';
import { createLogger } from '../server/logger.js';
import { createRuntime } from '../server/runtime.js';
import { alternate, median, percentile, round2, writeResult } from './support/report.js';
import type { ReceiverMessage } from './support/receiver.js';

const CONCURRENCY = 50;
const WEBHOOKS = 10;
const WARMUP_MS = 1_500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1_000;

/** Wall-clock ms with sub-ms precision, comparable with the receiver's once its offset is known. */
const nowMs = () => performance.timeOrigin + performance.now();
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

type Receiver = {
  url: string;
  /** When the request with this key reaches the receiver's handler, in this process's clock (ms). */
  arrival(key: string): Promise<number>;
  /** CPU µs the receiver process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
};

/** Starts bench/support/receiver.ts and estimates its clock's offset from ours. */
async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./support/receiver.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (atMs: number) => void>();
  // A report that came before anyone waited for it (a delivery may arrive before its publish returns).
  const early = new Map<string, number>();
  let answer: ((message: ReceiverMessage) => void) | undefined;
  let offsetMs = 0;
  const url = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    child.on('message', (message: ReceiverMessage) => {
      if (message.type === 'ready') resolve(message.url);
      else if (message.type === 'arrivals') {
        for (const [key, at] of message.arrivals) {
          const resolveArrival = waiting.get(key);
          if (resolveArrival) {
            waiting.delete(key);
            resolveArrival(at - offsetMs);
          } else early.set(key, at - offsetMs);
        }
      } else answer?.(message);
    });
  });
  /** One question at a time; the receiver answers each with one message of the same type. */
  const ask = <T extends 'clock' | 'cpu'>(type: T) =>
    new Promise<Extract<ReceiverMessage, { type: T }>>((resolve) => {
      answer = (message) => {
        answer = undefined;
        resolve(message as Extract<ReceiverMessage, { type: T }>);
      };
      child.send({ type });
    });
  const receiverUrl = await url;
  // The offset from the round trip with the least delay: the receiver answered about halfway.
  let bestRtt = Infinity;
  for (let i = 0; i < 50; i++) {
    const sent = nowMs();
    const { atMs } = await ask('clock');
    const back = nowMs();
    if (back - sent < bestRtt) {
      bestRtt = back - sent;
      offsetMs = atMs - (sent + back) / 2;
    }
  }
  return {
    url: receiverUrl,
    arrival(key) {
      const at = early.get(key);
      if (at !== undefined) {
        early.delete(key);
        return Promise.resolve(at);
      }
      return new Promise<number>((resolve) => waiting.set(key, resolve));
    },
    cpuMicros: async () => (await ask('cpu')).micros,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
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

async function dispatcherSide(receiver: Receiver): Promise<Side> {
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
      const started = nowMs();
      const [deliveryId] = (await publisher.publishQueued({ projectId, type: types[loop % WEBHOOKS]! })).deliveryIds;
      return (await receiver.arrival(deliveryId!)) - started;
    },
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bareUndiciSide(receiver: Receiver): Promise<Side> {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  // A body of the size a delivery carries.
  const body = JSON.stringify({ id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1', type: 'task.completed', data: { pad: 'x'.repeat(900) } });
  let next = 0;
  return {
    name: 'bare undici POST loop',
    async send(loop) {
      const id = String(next++);
      const started = nowMs();
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
    },
  };
}

/**
 * The dispatcher's HTTP attempt alone: signed headers (`deliveryHeaders`) and `sendAttempt` through
 * the delivery agent (per-webhook pools, guarded lookup, URL preflight), with an event envelope
 * as the body, and nothing stored. What the dispatcher costs beyond this is publish and storage.
 */
async function attemptSide(receiver: Receiver): Promise<Side> {
  const agent = createDeliveryAgent({ allowPrivateTargets: true, connectionsPerWebhook: 5 });
  const preflight = createPreflight(true);
  const body = JSON.stringify({ id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1', type: 'task.completed', created: new Date().toISOString(), project_id: 'proj_bench', text: 'Task completed', data: { pad: 'x'.repeat(700) } });
  const secret = 'b'.repeat(64);
  let next = 0;
  return {
    name: 'attempt path only (sign + sendAttempt)',
    async send(loop) {
      const deliveryId = `d${next++}`;
      const started = nowMs();
      const arrived = receiver.arrival(deliveryId);
      const webhookId = `wh_${loop % WEBHOOKS}`;
      const headers = deliveryHeaders({ eventType: 'task.completed', deliveryId, body, secrets: [secret], timestamp: Math.floor(Date.now() / 1000) });
      const outcome = await sendAttempt({ url: `${receiver.url}/hook/${loop % WEBHOOKS}`, headers, body, webhookId }, { agent, timeoutMs: 15_000, preflight });
      if (!outcome.ok) throw new Error(`attempt failed: ${outcome.errorMessage}`);
      return (await arrived) - started;
    },
    async close() {
      await agent.close();
    },
  };
}

type Round = { requests: number; seconds: number; cpuMicros: number; receiverCpuMicros: number };

// Rounds alternate between the two sides (A B, B A, …) so that load from anything else on the
// machine falls on both alike.
const receiver = await startReceiver();
const sides = { bare: await bareUndiciSide(receiver), attempt: await attemptSide(receiver), dispatcher: await dispatcherSide(receiver) };
const latencies = { bare: [] as number[], attempt: [] as number[], dispatcher: [] as number[] };
const rounds = await alternate(['bare', 'attempt', 'dispatcher'] as const, ROUNDS, async (name, round): Promise<Round> => {
  const receiverBefore = await receiver.cpuMicros();
  const before = cpuMicros();
  const { requests, seconds } = await closedLoop(round < 0 ? WARMUP_MS : MEASURE_MS / ROUNDS, sides[name].send, round < 0 ? null : latencies[name]);
  const cpu = cpuMicros() - before;
  return { requests, seconds, cpuMicros: cpu, receiverCpuMicros: (await receiver.cpuMicros()) - receiverBefore };
});
for (const side of Object.values(sides)) await side.close();
await receiver.close();

type Result = {
  name: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's CPU µs per delivery (the sender's alone): median of the rounds. */
  cpuMicrosPerDelivery: number;
  roundsCpuMicrosPerDelivery: number[];
  roundsPerSecond: number[];
  /** The receiver process's CPU µs per request, for reference: median of the rounds. */
  receiverCpuMicrosPerRequest: number;
};
const summarise = (name: keyof typeof sides): Result => {
  const all = rounds[name];
  const requests = all.reduce((n, r) => n + r.requests, 0);
  const seconds = all.reduce((n, r) => n + r.seconds, 0);
  const perRound = all.map((r) => r.cpuMicros / r.requests);
  return {
    name: sides[name].name,
    requests,
    seconds,
    perSecond: requests / seconds,
    p50Ms: percentile(latencies[name], 50),
    p99Ms: percentile(latencies[name], 99),
    cpuMicrosPerDelivery: median(perRound),
    roundsCpuMicrosPerDelivery: perRound.map(Math.round),
    roundsPerSecond: all.map((r) => Math.round(r.requests / r.seconds)),
    receiverCpuMicrosPerRequest: median(all.map((r) => r.receiverCpuMicros / r.requests)),
  };
};
const bare = summarise('bare');
const attempt = summarise('attempt');
const dispatcher = summarise('dispatcher');
/** Headline: bare undici CPU µs per request / dispatcher CPU µs per delivery (1 = as cheap as the bare loop). */
const cpuRatio = bare.cpuMicrosPerDelivery / dispatcher.cpuMicrosPerDelivery;
const roundCpuRatios = rounds.dispatcher.map((r, i) => round2(rounds.bare[i]!.cpuMicros / rounds.bare[i]!.requests / (r.cpuMicros / r.requests)));
const ratio = dispatcher.perSecond / bare.perSecond;
const roundRatios = dispatcher.roundsPerSecond.map((r, i) => round2(r / bare.roundsPerSecond[i]!));

console.log(`\nDispatcher benchmark: concurrency ${CONCURRENCY}, ${WEBHOOKS} webhooks, receiver in its own process, ${ROUNDS} alternating rounds, ${MEASURE_MS / 1000} s per side\n`);
console.table(
  [bare, attempt, dispatcher].map((r) => ({
    run: r.name,
    requests: r.requests,
    'per second': Math.round(r.perSecond),
    'p50 ms': round2(r.p50Ms),
    'p99 ms': round2(r.p99Ms),
    'CPU µs/delivery': Math.round(r.cpuMicrosPerDelivery),
    'per round CPU µs': r.roundsCpuMicrosPerDelivery.join(' '),
    'receiver CPU µs': Math.round(r.receiverCpuMicrosPerRequest),
  })),
);
console.log(`by CPU per delivery, bare undici / dispatcher: ${cpuRatio.toFixed(2)} (aim ≥ 0.5); per round: ${roundCpuRatios.join(', ')}`);
console.log(`by throughput, dispatcher / bare undici: ${ratio.toFixed(2)}; per round: ${roundRatios.join(', ')}`);
// Where the dispatcher's CPU goes: the attempt path alone, and the rest (publish, claim, record, commits).
const attemptRatio = bare.cpuMicrosPerDelivery / attempt.cpuMicrosPerDelivery;
console.log(
  `the attempt path alone: ${Math.round(attempt.cpuMicrosPerDelivery)} µs (bare undici / attempt path ${attemptRatio.toFixed(2)}); publish and storage: ${Math.round(dispatcher.cpuMicrosPerDelivery - attempt.cpuMicrosPerDelivery)} µs of the dispatcher's ${Math.round(dispatcher.cpuMicrosPerDelivery)}\n`,
);

const out = writeResult('dispatcher', { concurrency: CONCURRENCY, webhooks: WEBHOOKS, rounds: ROUNDS, seconds: MEASURE_MS / 1000, bare, attempt, dispatcher, cpuRatio, roundCpuRatios, ratio, roundRatios, attemptRatio });
console.log(`wrote ${out}`);
