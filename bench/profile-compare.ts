/**
 * `npm run bench:profile`: where the validated server's extra time per request goes. Runs the
 * management benchmark's getWebhook (or BENCH_PROFILE_OP) under `node --cpu-prof` once for the validated server and
 * once for the bare one (each alone in its process), then prints CPU µs per request by package,
 * side by side. The requests include the warming second, so the absolute figures run a little
 * high; the difference is what the validator and the middleware around it cost.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readProfile } from './support/cpu-profile.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = new URL('../dist/bench/profiles/', import.meta.url);
const variants = ['validated', 'bare'] as const;

const perRequest = variants.map((variant) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/management.bench.ts'], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_PROFILE: variant, BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '3', BENCH_ROUND_SECONDS: process.env.BENCH_ROUND_SECONDS ?? '3' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`profiling ${variant} failed`);
  const meta = JSON.parse(readFileSync(new URL(`${variant}.json`, dir), 'utf8')) as { requests: number; readyAtUs: number };
  const profile = readProfile(fileURLToPath(new URL(`${variant}.cpuprofile`, dir)), meta.readyAtUs);
  return { variant, requests: meta.requests, busy: profile.busyUs / meta.requests, byOwner: new Map([...profile.byOwner].map(([k, us]) => [k, us / meta.requests])) };
});

const [validated, bare] = perRequest as [(typeof perRequest)[0], (typeof perRequest)[0]];
const owners = [...new Set([...validated.byOwner.keys(), ...bare.byOwner.keys()])]
  .map((owner) => ({ owner, v: validated.byOwner.get(owner) ?? 0, b: bare.byOwner.get(owner) ?? 0 }))
  .sort((x, y) => y.v - y.b - (x.v - x.b))
  .filter((r) => r.v >= 1 || r.b >= 1);
console.log(`\n${process.env.BENCH_PROFILE_OP ?? 'getWebhook'}, server CPU per request (µs), from node --cpu-prof: validated ${Math.round(validated.busy)}, bare ${Math.round(bare.busy)} (bare/validated ${(bare.busy / validated.busy).toFixed(2)})\n`);
console.table(owners.map((r) => ({ package: r.owner, validated: Math.round(r.v), bare: Math.round(r.b), 'extra µs': Math.round(r.v - r.b) })));
