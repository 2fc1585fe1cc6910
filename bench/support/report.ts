/** Shared by the benchmarks: alternating rounds, percentiles, and the JSON files in dist/bench/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Sorted copy's value at percentile `p` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * Runs every variant once unmeasured (warming), then `rounds` rounds of all variants, the order
 * reversed every other round (A B C, C B A, …) so that drift in the machine's load hits each
 * variant alike. Returns each variant's measured rounds in order.
 */
export async function alternate<V extends string, R>(variants: readonly V[], rounds: number, run: (variant: V, round: number) => Promise<R>): Promise<Record<V, R[]>> {
  for (const variant of variants) await run(variant, -1);
  const results = Object.fromEntries(variants.map((v) => [v, [] as R[]])) as Record<V, R[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) results[variant].push(await run(variant, round));
  }
  return results;
}

/** The machine, so a reader of the JSON knows how loaded it was. */
export function machine() {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavg: loadavg().map((l) => Number(l.toFixed(2))) };
}

export const round2 = (n: number) => Number(n.toFixed(2));

/** Writes dist/bench/<name>.json. */
export function writeResult(name: string, result: unknown): string {
  const dir = new URL('../../dist/bench/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, `${JSON.stringify({ when: new Date().toISOString(), machine: machine(), ...(result as object) }, null, 2)}\n`);
  return `dist/bench/${name}.json`;
}
