/**
 * Python users of the contract, with the standard library and Debian's python3-jsonschema:
 * every component schema and every example in both public bundles (3.1 and the 3.0.3
 * companion) validates, and a urllib client walks the webhook lifecycle against the
 * reference server on 127.0.0.1, checking each answer against its schema in both bundles.
 * Skips only outside CI, loudly, when python3-jsonschema is missing (support/toolchains.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWithWorker, type AppWithWorker } from '../delivery/support/app-with-worker.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { repoRoot } from '../support/spec.js';
import { createTestClock } from '../support/test-app.js';
import { PYTHON, pythonSkipReason } from './support/toolchains.js';

const run = promisify(execFile);
const skip = pythonSkipReason();
const script = (name: string) => join(repoRoot, 'test/generators/python', name);
const bundles = ['generated/openapi.public.json', 'generated/openapi.public.3.0.json'].map((file) => join(repoRoot, file));

async function python(args: string[]) {
  try {
    const { stdout, stderr } = await run(PYTHON, args, { timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error: any) {
    return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
  }
}

describe.skipIf(skip !== null)('python3-jsonschema validates both public bundles', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'anchor-py-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every component schema is valid JSON Schema and every example validates, in 3.1 and in 3.0', async () => {
    const result = await python([script('validate_bundles.py'), ...bundles]);
    expect(result.output).not.toMatch(/FAIL/);
    expect(result.output).toMatch(/^ok 3\.1 .*openapi\.public\.json: \d+ schemas, \d+ examples/m);
    expect(result.output).toMatch(/^ok 3\.0 .*openapi\.public\.3\.0\.json: \d+ schemas, \d+ examples/m);
    expect(result.code).toBe(0);
    // Both bundles hold the same examples: the 3.0 one lost none in the conversion.
    const counts = [...result.output.matchAll(/(\d+) examples/g)].map((m) => Number(m[1]));
    expect(counts[0]).toBeGreaterThan(100);
    expect(counts[1]).toBe(counts[0]);
  });

  it('names each example that breaks its schema, in either bundle (the check is not vacuous)', async () => {
    const files = bundles.map((file, i) => {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.components.schemas.WebhookPublic.properties.enabled.example = 'yes';
      doc.paths['/v1/webhooks'].get.responses['200'].content['application/json'].example.data.items[0].disabled_reason = 7;
      const broken = join(dir, `broken-${i}.json`);
      writeFileSync(broken, JSON.stringify(doc));
      return broken;
    });
    const result = await python([script('validate_bundles.py'), ...files]);
    expect(result.code).toBe(1);
    for (const file of files) {
      expect(result.output).toContain(`FAIL ${file}: /components/schemas/WebhookPublic/properties/enabled/example`);
      expect(result.output).toContain(`FAIL ${file}: /paths//v1/webhooks/get/responses/200/content/application/json/example: data/items/0/disabled_reason`);
    }
  });
});

describe.skipIf(skip !== null)('a Python urllib client against the reference server', { timeout: 120_000 }, () => {
  let t: AppWithWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startAppWithWorker({ clock: createTestClock(Date.now()) });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('walks the lifecycle; every answer has its documented status and matches its schema in both bundles', async () => {
    const result = await python([script('lifecycle.py'), t.baseUrl, t.apiKey, receiver.url, ...bundles]);
    expect(result.output).not.toMatch(/FAIL/);
    expect(result.code).toBe(0);
    expect(result.output.split('\n').filter((line) => line.startsWith('ok '))).toEqual([
      'ok POST /v1/webhooks 201',
      'ok GET /v1/webhooks 200',
      'ok GET /v1/webhooks/{webhook_id} 200',
      'ok PATCH /v1/webhooks/{webhook_id} 200',
      'ok PATCH /v1/webhooks/{webhook_id} 200',
      'ok PATCH /v1/webhooks/{webhook_id} 200',
      'ok PATCH /v1/webhooks/{webhook_id} 200',
      'ok POST /v1/webhooks/{webhook_id}/rotate-secret 200',
      'ok POST /v1/webhooks/{webhook_id}/test 202',
      'ok GET /v1/webhooks/{webhook_id}/events 200',
      'ok GET /v1/webhooks/{webhook_id}/events/{delivery_id} 200',
      'ok DELETE /v1/webhooks/{webhook_id} 200',
      'ok GET /v1/webhooks/{webhook_id} 404',
      'ok POST /v1/webhooks 400',
    ]);
    const summary = JSON.parse(/^summary (.*)$/m.exec(result.output)![1]!);
    await receiver.waitFor(1);
    expect(receiver.requests[0]!.headers['anchor-delivery-id']).toBe(summary.delivery_id);
  });
});
