import type { SpecOperation } from './operations.js';
import type { CoverageRecord } from './records.js';

/** A documented status the suites may leave unproduced, with the reason. Only 500 and 429 qualify. */
export type Waiver = { operationId: string; status: '500' | '429'; reason: string };

export type CoverageResult = {
  operations: { covered: number; total: number };
  statuses: { covered: number; total: number; waived: number };
  /** Failures, one sentence each, e.g. "getWebhookEvent 404 never produced". */
  failures: string[];
  /** Statuses produced that the spec does not document for the operation (already failed by the contract checks). */
  undocumented: string[];
  report: string;
};

/**
 * Compares what the suites produced with what the spec documents. Fails on an operation
 * never exercised, a documented status never produced (unless waived), and a waiver that
 * is stale (its status is produced after all) or that names something the spec lacks.
 */
export function compareCoverage(operations: SpecOperation[], records: CoverageRecord[], waivers: Waiver[] = []): CoverageResult {
  const produced = new Map<string, Set<string>>();
  for (const { operationId, status } of records) {
    if (!produced.has(operationId)) produced.set(operationId, new Set());
    produced.get(operationId)!.add(String(status));
  }
  const waived = new Map(waivers.map((w) => [`${w.operationId} ${w.status}`, w]));

  const failures: string[] = [];
  const undocumented: string[] = [];
  let coveredOperations = 0;
  let total = 0;
  let covered = 0;
  let waivedCount = 0;

  for (const op of operations) {
    const seen = produced.get(op.operationId) ?? new Set<string>();
    if (seen.size > 0) coveredOperations++;
    else failures.push(`${op.operationId} (${op.method} ${op.template}) never exercised`);
    for (const status of op.statuses) {
      if (!/^[245]\d\d$/.test(status)) continue;
      const key = `${op.operationId} ${status}`;
      const waiver = waived.get(key);
      if (waiver) {
        waived.delete(key);
        if (seen.has(status)) failures.push(`${key} is waived but was produced: remove the waiver`);
        waivedCount++;
        continue;
      }
      if (status.startsWith('5')) continue; // a 5xx is a bug; documenting one is fine, producing it is not required
      total++;
      if (seen.has(status)) covered++;
      else if (seen.size > 0) failures.push(`${key} never produced`);
      else failures.push(`${key} never produced (the operation was never called)`);
    }
    for (const status of seen) {
      if (!op.statuses.includes(status)) undocumented.push(`${op.operationId} ${status}`);
    }
  }
  for (const key of waived.keys()) failures.push(`waiver ${key} names a status the spec does not document`);

  const report = `operations ${coveredOperations}/${operations.length}, statuses ${covered}/${total}` + (waivedCount ? ` (+${waivedCount} waived)` : '');
  return {
    operations: { covered: coveredOperations, total: operations.length },
    statuses: { covered, total, waived: waivedCount },
    failures,
    undocumented,
    report,
  };
}
