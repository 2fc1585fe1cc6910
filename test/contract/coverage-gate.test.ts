/**
 * The pieces of the contract-coverage gate (test/coverage-gate/): the recorder installed by
 * the test helper, the per-worker record files, and the comparison with the spec.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCoverage } from '../support/coverage/compare.js';
import { createOperationMatcher, specOperations } from '../support/coverage/operations.js';
import { readRecords, writeRecord, type CoverageRecord } from '../support/coverage/records.js';
import { withCoverageRecorder } from '../support/coverage/recorder.js';

const operations = specOperations();
const everything = (): CoverageRecord[] => operations.flatMap((op) => op.statuses.map((status) => ({ operationId: op.operationId, status: Number(status) })));

describe('compareCoverage', () => {
  it('passes when every operation and documented status was produced, and reports the figures', () => {
    const result = compareCoverage(operations, everything());
    const statuses = operations.flatMap((op) => op.statuses.filter((s) => /^[24]/.test(s))).length;
    expect(result.failures).toEqual([]);
    expect(result.report).toBe(`operations ${operations.length}/${operations.length}, statuses ${statuses}/${statuses}`);
  });

  it('names a documented status never produced', () => {
    const records = everything().filter((r) => !(r.operationId === 'getWebhookEvent' && r.status === 404));
    const result = compareCoverage(operations, records);
    expect(result.failures).toEqual(['getWebhookEvent 404 never produced']);
    expect(result.statuses.covered).toBe(result.statuses.total - 1);
  });

  it('names an operation never exercised, and each of its statuses', () => {
    const result = compareCoverage(operations, everything().filter((r) => r.operationId !== 'rotateWebhookSecret'));
    expect(result.failures[0]).toBe('rotateWebhookSecret (POST /v1/webhooks/{webhook_id}/rotate-secret) never exercised');
    expect(result.failures).toContain('rotateWebhookSecret 200 never produced (the operation was never called)');
    expect(result.operations).toEqual({ covered: operations.length - 1, total: operations.length });
  });

  it('accepts a 429 only through an explicit waiver, and fails a stale or wrong waiver', () => {
    const records = everything().filter((r) => !(r.operationId === 'publishEvent' && r.status === 429));
    expect(compareCoverage(operations, records).failures).toEqual(['publishEvent 429 never produced']);

    const waived = compareCoverage(operations, records, [{ operationId: 'publishEvent', status: '429', reason: 'test' }]);
    expect(waived.failures).toEqual([]);
    expect(waived.report).toMatch(/\(\+1 waived\)$/);

    const stale = compareCoverage(operations, everything(), [{ operationId: 'publishEvent', status: '429', reason: 'test' }]);
    expect(stale.failures).toEqual(['publishEvent 429 is waived but was produced: remove the waiver']);

    const wrong = compareCoverage(operations, everything(), [{ operationId: 'listWebhookz', status: '500', reason: 'test' }]);
    expect(wrong.failures).toEqual(['waiver listWebhookz 500 names a status the spec does not document']);
  });

  it('lists statuses produced but not documented', () => {
    const result = compareCoverage(operations, [...everything(), { operationId: 'getWebhook', status: 503 }]);
    expect(result.failures).toEqual([]);
    expect(result.undocumented).toEqual(['getWebhook 503']);
  });
});

describe('the operation matcher', () => {
  const match = createOperationMatcher(operations);
  it('maps concrete requests to their operation by method and path template', () => {
    expect(match('GET', '/v1/webhooks')?.operationId).toBe('listWebhooks');
    expect(match('post', '/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/test')?.operationId).toBe('sendWebhookTestEvent');
    expect(match('GET', '/v1/webhooks/wh_1/events/0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e')?.operationId).toBe('getWebhookEvent');
    expect(match('PUT', '/v1/webhooks/wh_1')).toBeUndefined();
    expect(match('GET', '/v1/webhooks/wh_1/unknown')).toBeUndefined();
    expect(match('GET', '/healthz')).toBeUndefined();
  });
});

describe('the recorder', () => {
  it('records the status of every finished response to a spec operation, once per pair', async () => {
    const seen: CoverageRecord[] = [];
    const server = createServer(
      withCoverageRecorder((req, res) => {
        res.statusCode = req.url?.startsWith('/v1/webhooks/') ? 404 : 200;
        res.end();
      }, (r) => seen.push(r)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/v1/webhooks?limit=5`);
      await fetch(`${base}/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y`, { method: 'DELETE' });
      await fetch(`${base}/nowhere`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual([
      { operationId: 'listWebhooks', status: 200 },
      { operationId: 'deleteWebhook', status: 404 },
    ]);
  });

  it('writes each pair once per worker to its own file, and reads all workers back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coverage-records-'));
    try {
      expect(readRecords(dir)).toBeNull();
      writeRecord({ operationId: 'unitTestOnly', status: 200 }, dir);
      writeRecord({ operationId: 'unitTestOnly', status: 200 }, dir);
      writeRecord({ operationId: 'unitTestOnly', status: 404 }, dir);
      expect(readRecords(dir)).toEqual([
        { operationId: 'unitTestOnly', status: 200 },
        { operationId: 'unitTestOnly', status: 404 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
