/**
 * `npm run bench`: every benchmark, one process each (so none inherits another's heap or JIT
 * state), then the ratios from their dist/bench/*.json side by side. Not part of `npm test`.
 *
 * BENCH_ONLY=management,startup runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const BENCHMARKS = ['signature', 'startup', 'management', 'dispatcher'] as const;
const only = process.env.BENCH_ONLY?.split(',');
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`npm run bench: ${BENCHMARKS.filter((b) => !only || only.includes(b)).join(', ')}; load average ${load()}`);
const failed: string[] = [];
const ran = new Set<string>();
for (const name of BENCHMARKS) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`], { cwd: repoRoot, stdio: 'inherit' });
  if (run.status === 0) ran.add(name);
  else failed.push(name);
}

/** This run's result file; an older one from a benchmark that did not run now is not shown. */
const read = (name: string): any => {
  if (!ran.has(name)) return undefined;
  try {
    return JSON.parse(readFileSync(new URL(`../dist/bench/${name}.json`, import.meta.url), 'utf8'));
  } catch {
    return undefined;
  }
};
const lines: string[] = [];
const management = read('management');
for (const [op, r] of Object.entries<any>(management?.ratios ?? {})) {
  const goal = op === 'createWebhook+deleteWebhook' ? '' : ' (goal ≥ 0.85)';
  lines.push(`management ${op}: validated/bare by server CPU per request ${r.cpuValidatedOverBare.toFixed(2)}${goal}; by req/s ${r.validatedOverBare.toFixed(2)}; validated/node:http ${r.validatedOverCeiling.toFixed(2)}`);
}
const dispatcher = read('dispatcher');
if (dispatcher) {
  const { bare, dispatcher: side } = dispatcher;
  lines.push(
    `dispatcher: bare undici/dispatcher by CPU per delivery ${dispatcher.cpuRatio.toFixed(2)} (aim ≥ 0.5; ${Math.round(bare.cpuMicrosPerDelivery)} vs ${Math.round(side.cpuMicrosPerDelivery)} µs); by throughput ${dispatcher.ratio.toFixed(2)} (${Math.round(side.perSecond)}/s vs ${Math.round(bare.perSecond)}/s); publish→receipt p50 ${side.p50Ms.toFixed(1)} ms, p99 ${side.p99Ms.toFixed(1)} ms`,
  );
}
for (const r of read('signature')?.results ?? []) {
  lines.push(`signature ${r.bodyBytes} B: verifyWebhook/standardwebhooks ${r.ratio.toFixed(2)} (goal ≥ 1; ${r.verifyWebhookOpsPerSecond} vs ${r.standardwebhooksOpsPerSecond} ops/s)`);
}
const startup = read('startup');
if (startup) {
  const slowest = [...startup.operations].sort((a: any, b: any) => b.ratio - a.ratio)[0];
  lines.push(`start-up: ${Math.round(startup.serve.medianMs)} ms median (goal < 1500; node:http floor ${Math.round(startup.floor.medianMs)} ms); slowest first request ${slowest.operationId} ${slowest.firstMs.toFixed(1)} ms vs ${slowest.warmMs.toFixed(1)} ms warm`);
}

console.log(`\n=== summary (${Math.round((performance.now() - started) / 1000)} s; load average now ${load()}) ===`);
for (const line of lines) console.log(`  ${line}`);
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
