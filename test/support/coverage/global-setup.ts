import { mkdirSync, rmSync } from 'node:fs';
import { COVERAGE_DIR_ENV } from './records.js';

/**
 * Global setup of the `suites` project: makes sure this run's record folder is empty
 * before any worker writes to it, and removes it when the whole run (including the
 * coverage-gate project, which runs after the suites) has finished.
 */
export default function setup() {
  const dir = process.env[COVERAGE_DIR_ENV];
  if (!dir) throw new Error(`${COVERAGE_DIR_ENV} is not set: vitest.config.ts sets it for every run.`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
}
