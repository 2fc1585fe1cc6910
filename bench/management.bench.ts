/**
 * Management API: the validated reference app against a bare Express app with the same
 * handlers and database, and `node:http` with the same operations as the ceiling.
 *
 * autocannon (50 connections, keep-alive) runs here; the three servers run in one child process
 * on one SQLite file (bench/support/management-server.ts). Per operation: one unmeasured second
 * per server, then BENCH_ROUNDS rounds (default 5) of BENCH_ROUND_SECONDS (default 2) per
 * server, alternating, so each server gets 10 s in total, as the issue asks, interleaved with
 * the others instead of in one block.
 *
 * BENCH_PROFILE=1: only the validated server (BENCH_PROFILE=bare: the bare one), only getWebhook
 * (BENCH_PROFILE_OP=listWebhooks: that operation instead),
 * under `node --cpu-prof`; writes the profile to dist/bench/profiles/ and prints where the time goes.
 *
 * Writes dist/bench/management.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { summariseProfile } from './support/cpu-profile.js';
import type { Ready, Variant } from './support/management-server.js';
import { alternate, median, percentile, round2, writeResult } from './support/report.js';

const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 2);
const WARMUP_SECONDS = 1;
/** BENCH_PROFILE=1 profiles the validated server; BENCH_PROFILE=bare (or ceiling) another. */
const PROFILE = process.env.BENCH_PROFILE ? (process.env.BENCH_PROFILE === '1' ? 'validated' : (process.env.BENCH_PROFILE as Variant)) : undefined;
const VARIANTS: Variant[] = PROFILE ? [PROFILE] : ['validated', 'bare', 'ceiling'];
/** The operation profiled under BENCH_PROFILE. */
const PROFILE_OP = (process.env.BENCH_PROFILE_OP ?? 'getWebhook') as OperationName;
const PROFILE_DIR = fileURLToPath(new URL('../dist/bench/profiles/', import.meta.url));

type OperationName = 'getWebhook' | 'listWebhooks' | 'createWebhook+deleteWebhook';
type Operation = { name: OperationName; requests(ready: Ready): autocannon.Request[]; resetBetweenRounds?: boolean };

const createBody = JSON.stringify({
  url: 'https://hooks.anchor-customer.io/anchor/webhooks',
  subscribed_events: ['task.completed', 'task.failed'],
  description: 'benchmark',
});

/** autocannon's per-connection context, reset before each create. */
type PairContext = { key?: string; id?: string };

/** Write projects not holding a live webhook; a create takes one, its delete gives it back. */
let freeKeys: string[] = [];

const operations: Operation[] = [
  {
    name: 'getWebhook',
    // Rotating over the five ids defeats nothing (there is no cache) but reads like real traffic.
    requests: (ready) => ready.readIds.map((id) => ({ method: 'GET', path: `/v1/webhooks/${id}`, headers: { 'anchor-api-key': ready.readKey } })),
  },
  {
    name: 'listWebhooks',
    requests: (ready) => [{ method: 'GET', path: '/v1/webhooks', headers: { 'anchor-api-key': ready.readKey } }],
  },
  {
    name: 'createWebhook+deleteWebhook',
    resetBetweenRounds: true,
    requests: () => [
      {
        method: 'POST',
        path: '/v1/webhooks',
        setupRequest: (req, context) => {
          const key = freeKeys.pop();
          if (!key) throw new Error('no free write project: more connections than WRITE_PROJECTS');
          (context as PairContext).key = key;
          return { ...req, headers: { 'anchor-api-key': key, 'content-type': 'application/json' }, body: createBody };
        },
        onResponse: (status, body, context) => {
          const pair = context as PairContext;
          if (status === 201) pair.id = (JSON.parse(body) as { id: string }).id;
          else freeKeys.push(pair.key!);
        },
      },
      {
        method: 'DELETE',
        setupRequest: (req, context) => {
          const { id, key } = context as PairContext;
          // No id: the create failed (counted as non-2xx); a falsy value restarts the sequence.
          return (id ? { ...req, path: `/v1/webhooks/${id}`, headers: { 'anchor-api-key': key! } } : null) as autocannon.Request;
        },
        onResponse: (_status, _body, context) => {
          freeKeys.push((context as PairContext).key!);
        },
      },
    ],
  },
];

type Round = { requests: number; seconds: number; cpuMicros: number; latencies: number[]; non2xx: number; errors: number };

// This run's profiles land here first (one per thread), then the server's is kept as <variant>.cpuprofile.
const runProfileDir = PROFILE ? (mkdirSync(PROFILE_DIR, { recursive: true }), mkdtempSync(join(PROFILE_DIR, 'run-'))) : '';

function startServers(): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(new URL('./support/management-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${runProfileDir}`] : [])],
    env: { ...process.env, BENCH_VARIANTS: VARIANTS.join(',') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready: Ready) => resolve({ child, ready }));
    child.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
  });
}

const { child, ready } = await startServers();
/** One question to the server process at a time; it answers each with one message. */
const ask = <T>(type: 'reset' | 'cpu') =>
  new Promise<T>((resolve) => {
    child.once('message', (answer: T) => resolve(answer));
    child.send({ type });
  });
const reset = () => ask<unknown>('reset');
const serverCpuMicros = async () => (await ask<{ micros: number }>('cpu')).micros;

async function runRound(variant: Variant, op: Operation, duration: number): Promise<Round> {
  if (op.resetBetweenRounds) {
    // Creates cut off by the end of the last round left webhooks live: clear them.
    await reset();
    freeKeys = [...ready.writeKeys];
  }
  const latencies: number[] = [];
  let non2xx = 0;
  const cpuBefore = await serverCpuMicros();
  const started = performance.now();
  const instance = autocannon({
    url: `http://127.0.0.1:${ready.ports[variant]}`,
    connections: CONNECTIONS,
    duration,
    requests: op.requests(ready),
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    if (status < 200 || status > 299) non2xx++;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = (await serverCpuMicros()) - cpuBefore;
  return { requests: latencies.length, seconds, cpuMicros, latencies, non2xx, errors: result.errors + result.timeouts };
}

type Summary = {
  variant: Variant;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per request, median of the rounds: steadier than req/s on a shared machine. */
  cpuMicrosPerRequest: number;
  roundsCpuMicrosPerRequest: number[];
  non2xx: number;
  errors: number;
  roundsPerSecond: number[];
};

const summaries: Record<string, Summary[]> = {};
type Ratios = {
  validatedOverBare: number;
  validatedOverCeiling: number;
  bareOverCeiling: number;
  perRoundValidatedOverBare: number[];
  /** The headline: server CPU per request, bare µs / validated µs (medians of the rounds). */
  cpuValidatedOverBare: number;
  perRoundCpuValidatedOverBare: number[];
};
const ratios: Record<string, Ratios> = {};
const started = performance.now();
/** BENCH_OPS=getWebhook,listWebhooks runs a subset. */
const only = process.env.BENCH_OPS?.split(',');
const selected = PROFILE ? operations.filter((op) => op.name === PROFILE_OP) : operations.filter((op) => !only || only.includes(op.name));

for (const op of selected) {
  const rounds = await alternate(VARIANTS, ROUNDS, (variant, round) => runRound(variant, op, round < 0 ? WARMUP_SECONDS : ROUND_SECONDS));
  summaries[op.name] = VARIANTS.map((variant) => {
    const all = rounds[variant];
    const seconds = all.reduce((s, r) => s + r.seconds, 0);
    const latencies = all.flatMap((r) => r.latencies);
    const cpuPerRound = all.map((r) => r.cpuMicros / r.latencies.length);
    return {
      variant,
      requests: latencies.length,
      perSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuMicrosPerRequest: median(cpuPerRound),
      roundsCpuMicrosPerRequest: cpuPerRound.map(Math.round),
      non2xx: all.reduce((s, r) => s + r.non2xx, 0),
      errors: all.reduce((s, r) => s + r.errors, 0),
      roundsPerSecond: all.map((r) => Math.round(r.requests / r.seconds)),
    };
  });
  if (!PROFILE) {
    const [validated, bare, ceiling] = summaries[op.name]!;
    ratios[op.name] = {
      validatedOverBare: validated!.perSecond / bare!.perSecond,
      validatedOverCeiling: validated!.perSecond / ceiling!.perSecond,
      bareOverCeiling: bare!.perSecond / ceiling!.perSecond,
      perRoundValidatedOverBare: validated!.roundsPerSecond.map((v, i) => round2(v / bare!.roundsPerSecond[i]!)),
      cpuValidatedOverBare: bare!.cpuMicrosPerRequest / validated!.cpuMicrosPerRequest,
      perRoundCpuValidatedOverBare: validated!.roundsCpuMicrosPerRequest.map((v, i) => round2(bare!.roundsCpuMicrosPerRequest[i]! / v)),
    };
  }
}
child.disconnect();
await new Promise((resolve) => child.once('exit', resolve));

console.log(`\nManagement API: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per server (${ROUNDS * ROUND_SECONDS} s each), after ${WARMUP_SECONDS} s of warming\n`);
for (const [name, rows] of Object.entries(summaries)) {
  console.log(name);
  console.table(
    rows.map((r) => ({
      server: r.variant,
      'req/s': Math.round(r.perSecond),
      'p50 ms': round2(r.p50Ms),
      'p99 ms': round2(r.p99Ms),
      'CPU µs/req': Math.round(r.cpuMicrosPerRequest),
      'per round CPU µs': r.roundsCpuMicrosPerRequest.join(' '),
      'non-2xx': r.non2xx,
      errors: r.errors,
      'per round req/s': r.roundsPerSecond.join(' '),
    })),
  );
}
for (const [name, r] of Object.entries(ratios)) {
  const goal = name.startsWith('get') || name.startsWith('list') ? ' (goal ≥ 0.85)' : '';
  console.log(
    `${name.padEnd(28)} validated/bare by server CPU/req ${r.cpuValidatedOverBare.toFixed(2)}${goal}  [rounds ${r.perRoundCpuValidatedOverBare.join(' ')}; by req/s ${r.validatedOverBare.toFixed(2)}, rounds ${r.perRoundValidatedOverBare.join(' ')}]  validated/node:http ${r.validatedOverCeiling.toFixed(2)}  bare/node:http ${r.bareOverCeiling.toFixed(2)}`,
  );
}

if (PROFILE) {
  // One profile per thread (tsx's loader runs on its own): thread 0 is the server's.
  const file = join(PROFILE_DIR, `${PROFILE}.cpuprofile`);
  renameSync(join(runProfileDir, readdirSync(runProfileDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f))!), file);
  rmSync(runProfileDir, { recursive: true, force: true });
  const { requests } = summaries[PROFILE_OP]!.find((r) => r.variant === PROFILE)!;
  writeFileSync(join(PROFILE_DIR, `${PROFILE}.json`), JSON.stringify({ variant: PROFILE, operation: PROFILE_OP, requests, readyAtUs: ready.readyAtUs }));
  console.log(`\nCPU profile of the server: dist/bench/profiles/${PROFILE}.cpuprofile (${requests} requests)\n`);
  console.log(summariseProfile(file, { fromUs: ready.readyAtUs }));
} else {
  const out = writeResult('management', { connections: CONNECTIONS, rounds: ROUNDS, roundSeconds: ROUND_SECONDS, warmupSeconds: WARMUP_SECONDS, summaries, ratios });
  console.log(`\nwrote ${out} (${Math.round((performance.now() - started) / 1000)} s)`);
}
