import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * Where the (operationId, status) records of one vitest run go: a folder named by
 * ANCHOR_COVERAGE_DIR (vitest.config.ts sets it once per run), one JSON-lines file per
 * worker, so parallel workers never write to the same file.
 */
export const COVERAGE_DIR_ENV = 'ANCHOR_COVERAGE_DIR';

export type CoverageRecord = { operationId: string; status: number };

const written = new Set<string>();

/** Appends a pair once per worker; without ANCHOR_COVERAGE_DIR (not under vitest) it does nothing. */
export function writeRecord(record: CoverageRecord, dir = process.env[COVERAGE_DIR_ENV]): void {
  if (!dir) return;
  const key = `${dir} ${record.operationId} ${record.status}`;
  if (written.has(key)) return;
  written.add(key);
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}-${threadId}.jsonl`), `${JSON.stringify(record)}\n`);
}

/** Every pair any worker recorded in `dir`, or null when nothing was recorded there at all. */
export function readRecords(dir: string): CoverageRecord[] | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  if (files.length === 0) return null;
  return files.flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as CoverageRecord),
  );
}
