/**
 * The contract-coverage gate. It runs in the `coverage-gate` project, after every suite
 * of the `suites` project has finished (vitest.config.ts, `sequence.groupOrder`), and
 * compares the (operationId, status) pairs the app produced in those suites — recorded
 * by test/support/coverage/recorder.ts, installed by the shared test helper — with every
 * operation and documented 2xx/4xx status of the spec.
 */
import { expect, it } from 'vitest';
import { compareCoverage, type Waiver } from '../support/coverage/compare.js';
import { specOperations } from '../support/coverage/operations.js';
import { COVERAGE_DIR_ENV, readRecords } from '../support/coverage/records.js';

/** The only statuses allowed to stay unproduced. Keep each reason true; a stale entry fails the gate. */
const WAIVERS: Waiver[] = [];

it('every operation and every documented 2xx/4xx status was produced by the suites', () => {
  const dir = process.env[COVERAGE_DIR_ENV]!;
  const records = readRecords(dir);
  if (records === null) {
    throw new Error(`No coverage records in ${dir}: the gate needs the whole suite in the same run (npm test or npx vitest run).`);
  }
  const result = compareCoverage(specOperations(), records, WAIVERS);
  console.log(`contract coverage: ${result.report}`);
  if (result.undocumented.length) console.log(`  produced but undocumented (failed by the contract checks where a client saw them): ${result.undocumented.join(', ')}`);
  expect(result.failures, `contract coverage: ${result.report}\n  ${result.failures.join('\n  ')}`).toEqual([]);
});
