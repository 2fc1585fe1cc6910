import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/database.js';
import { openStorage } from '../../server/storage/stores.js';
import { loadBundle } from '../support/spec.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'anchor-trigger-'));
const dbPath = join(dir, 'anchor.sqlite');
let projectId: string;
let webhookId: string;

function trigger(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['server/bin.mjs', 'trigger', ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ANCHOR_DB: dbPath } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  // As a server on this database leaves it: the secret key in its key file beside it.
  const stores = openStorage({ now: () => Date.now() }, { dbPath, secretKey: undefined });
  const { db } = stores;
  projectId = stores.projects.create({ name: 'Default project' });
  webhookId = stores.webhooks.create(projectId, { url: 'https://hooks.anchor-customer.io/hook', subscribed_events: ['task.failed'], description: null }, Date.now(), 5)!.webhook.id;
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('anchor-webhooks trigger', () => {
  it('publishes into ANCHOR_DB for the default project, with example data or --data, for the server to deliver', async () => {
    const [example, custom] = await Promise.all([
      trigger('task.failed'),
      trigger('task.failed', '--project', projectId, '--text', 'Nightly export failed', '--data', JSON.stringify({ ...exampleFailed(), task_name: 'nightly-export' })),
    ]);
    expect(example.code, example.stderr).toBe(0);
    expect(custom.code, custom.stderr).toBe(0);
    const a = JSON.parse(example.stdout);
    const b = JSON.parse(custom.stdout);
    expect(a).toMatchObject({ type: 'task.failed', delivery_count: 1 });
    expect(b).toMatchObject({ type: 'task.failed', delivery_count: 1 });

    const db = openDatabase(dbPath);
    try {
      const rows = db.prepare('SELECT e.id, e.payload, d.status, d.webhook_id FROM events e JOIN deliveries d ON d.event_id = e.id ORDER BY e.id').all() as Array<{ id: string; payload: string; status: string; webhook_id: string }>;
      expect(rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
      expect(rows.every((r) => r.status === 'pending' && r.webhook_id === webhookId)).toBe(true);
      const customBody = JSON.parse(rows.find((r) => r.id === b.id)!.payload);
      expect(customBody).toMatchObject({ project_id: projectId, text: 'Nightly export failed', data: { task_name: 'nightly-export' } });
      expect(JSON.parse(rows.find((r) => r.id === a.id)!.payload).text).toBe('Task checkout-flow failed: timeout');
    } finally {
      db.close();
    }
  });

  it('refuses bad input with a clear message and stores nothing', async () => {
    const countEvents = () => {
      const db = openDatabase(dbPath);
      try {
        return db.prepare('SELECT COUNT(*) FROM events').pluck().get();
      } finally {
        db.close();
      }
    };
    const before = countEvents();
    // Free-form `output` nested 10,000 deep is valid for the schema, and JSON.stringify overflowed the stack on it.
    const deepOutput = JSON.stringify({ ...exampleData('task.completed'), output: null }).replace('"output":null', `"output":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    const results = await Promise.all([
      trigger('task.exploded'),
      trigger('task.failed', '--data', '{not json'),
      trigger('task.failed', '--data', JSON.stringify({ task_id: 'nope' })),
      trigger('task.failed', '--project', randomUUID()),
      trigger('task.completed', '--data', deepOutput),
    ]);
    const [unknownType, badJson, badData, unknownProject, deep] = results;
    expect(unknownType).toMatchObject({ code: 2 });
    expect(unknownType!.stderr).toMatch(/Unknown event type "task.exploded"[\s\S]*task\.completed/);
    expect(badJson).toMatchObject({ code: 2 });
    expect(badJson!.stderr).toContain('--data is not valid JSON');
    expect(badData).toMatchObject({ code: 2 });
    expect(badData!.stderr).toMatch(/does not match the payload schema of task\.failed[\s\S]*\/data\/task_id/);
    expect(unknownProject).toMatchObject({ code: 1 });
    expect(unknownProject!.stderr).toContain('No project');
    expect(deep).toMatchObject({ code: 2 });
    expect(deep!.stderr).toMatch(/\/data\/output(\/a){30} is nested more than 32 levels deep in the event \(the limit\)/);
    for (const r of results) expect(r.stdout).toBe('');
    expect(countEvents()).toBe(before);
  });
});

const exampleFailed = () => exampleData('task.failed');

/** The spec's example data for an event type. */
function exampleData(type: string): Record<string, unknown> {
  const examples = loadBundle('full').webhooks[type]!.post.requestBody.content['application/json'].examples;
  return structuredClone(Object.values<{ value: { data: Record<string, unknown> } }>(examples)[0]!.value.data);
}
