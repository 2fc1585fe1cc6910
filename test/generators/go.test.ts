/**
 * Go users of the contract: kin-openapi loads and validates the 3.0.3 companion bundle, and a
 * Go program whose models quicktype generated from the public bundle walks the webhook
 * lifecycle against the reference server on 127.0.0.1. Skips only outside CI, loudly, when
 * Go or kin-openapi is missing (see support/toolchains.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWithWorker, type AppWithWorker } from '../delivery/support/app-with-worker.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { loadBundle, repoRoot } from '../support/spec.js';
import { createTestClock } from '../support/test-app.js';
import { quicktypeModels } from './support/quicktype.js';
import { buildGo, goSkipReason } from './support/toolchains.js';

const run = promisify(execFile);
const skip = goSkipReason({ kinOpenapi: true });
const bundle30 = join(repoRoot, 'generated/openapi.public.3.0.json');

async function outcome(binary: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(binary, args, { timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error: any) {
    return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
  }
}

// A cold `go build` of kin-openapi takes tens of seconds on a loaded 2-core machine.
describe.skipIf(skip !== null)('kin-openapi (Go) loads the bundles', { timeout: 240_000 }, () => {
  let dir: string;
  let kinload: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anchor-go-kin-'));
    kinload = buildGo(dir, 'kinload');
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads and validates generated/openapi.public.3.0.json, examples included', async () => {
    const result = await outcome(kinload, [bundle30]);
    expect(result.output).toMatch(/^ok 3\.0\.3: \d+ paths, \d+ schemas/);
    expect(result.code).toBe(0);
  });

  it('cannot load the 3.1 bundle (why the 3.0 companion exists)', async () => {
    const result = await outcome(kinload, [join(repoRoot, 'generated/openapi.public.json')]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/cannot unmarshal array into Go value of type string/);
  });

  it('fails on a 3.0 bundle whose example breaks its schema (the check is not vacuous)', async () => {
    const broken = JSON.parse(readFileSync(bundle30, 'utf8'));
    broken.paths['/v1/webhooks/{webhook_id}'].get.responses['200'].content['application/json'].example.enabled = 'yes';
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const result = await outcome(kinload, [file]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/validation failed: .*enabled/s);
  });
});

describe.skipIf(skip !== null)('a Go client with quicktype models against the reference server', { timeout: 240_000 }, () => {
  let dir: string;
  let client: string;
  let t: AppWithWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anchor-go-client-'));
    client = buildGo(dir, 'client', { 'models.go': await quicktypeModels(loadBundle('public'), 'go') });
    receiver = await startReceiver();
    t = await startAppWithWorker({ clock: createTestClock(Date.now()) });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, gets, updates (keeping, then clearing the description), rotates, tests, reads deliveries, deletes, and parses problems', async () => {
    const result = await outcome(client, ['lifecycle', t.baseUrl, t.apiKey, receiver.url]);
    expect(result.output).not.toMatch(/FAIL/);
    expect(result.code).toBe(0);
    const steps = result.output.split('\n').filter((line) => line.startsWith('ok ')).map((line) => line.replace(/wh_\w+/, '{id}').replace(/\/events\/[\w-]+/, '/events/{delivery}'));
    expect(steps).toEqual([
      'ok POST /v1/webhooks 201',
      'ok GET /v1/webhooks 200',
      'ok GET /v1/webhooks/{id} 200',
      'ok PATCH /v1/webhooks/{id} 200',
      'ok PATCH /v1/webhooks/{id} 200',
      'ok POST /v1/webhooks/{id}/rotate-secret 200',
      'ok POST /v1/webhooks/{id}/test 202',
      'ok GET /v1/webhooks/{id}/events 200',
      'ok GET /v1/webhooks/{id}/events/{delivery} 200',
      'ok DELETE /v1/webhooks/{id} 200',
      'ok GET /v1/webhooks/{id} 404',
      'ok POST /v1/webhooks 400',
    ]);
    // What the Go client did is what the server stored and delivered.
    const summary = JSON.parse(/^summary (.*)$/m.exec(result.output)![1]!);
    await receiver.waitFor(1);
    expect(receiver.requests[0]!.headers['anchor-delivery-id']).toBe(summary.delivery_id);
    expect(JSON.parse(receiver.requests[0]!.rawBody.toString()).id).toBe(summary.event_id);
    expect(t.violations).toEqual([]);
  });
});
