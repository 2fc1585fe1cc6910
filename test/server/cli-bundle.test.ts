/**
 * The prebuilt server (server/build.mjs → dist/server): `anchor-webhooks` runs it while it
 * matches the sources, falls back to the TypeScript through tsx as soon as a source changes
 * (a stale bundle never runs), and the bundled server serves and validates like the sources.
 * Works on a copy of the sources in a temporary directory (node_modules linked), so the
 * checkout's own dist/server is never touched. 127.0.0.1 and port 0 only; the webhook's URL is an
 * IP literal (no DNS) and no event is sent to it.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/server-process.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'anc_cli_bundle_test_key_0123456789abcdef';
let root: string;
let data: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'anchor-bundle-'));
  data = mkdtempSync(join(tmpdir(), 'anchor-bundle-data-'));
  for (const entry of ['server', 'client', 'generated', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(repo, entry), join(root, entry), { recursive: true });
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ANCHOR_') && !['PORT', 'HOST', 'LOG_LEVEL'].includes(name)));
  return { ...clean, ANCHOR_DB: join(data, 'anchor.sqlite'), ANCHOR_API_KEY: API_KEY, ANCHOR_ALLOW_PRIVATE_TARGETS: '1', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
}

function node(args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: root, env: env(), encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MARK = '[ran dist/server]';
/** Marks the built bundle (an output, not one of its inputs: the stamp still matches) so a run shows which code ran. */
function markBundle() {
  const entry = join(root, 'dist/server/cli.mjs');
  writeFileSync(entry, `process.stderr.write(${JSON.stringify(`${MARK}\n`)});\n${readFileSync(entry, 'utf8')}`);
}

describe('server/build.mjs and server/bin.mjs', () => {
  it('runs the bundle while it matches the sources, tsx once a source changes, and --if-stale rebuilds only then', () => {
    const built = node(['server/build.mjs', '--if-stale']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/server: built dist\/server\/cli\.mjs/);
    markBundle();

    const fresh = node(['server/bin.mjs', 'nope']);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain(MARK);
    expect(fresh.stderr).toContain('Unknown command: nope');
    expect(node(['server/build.mjs', '--if-stale']).stdout).toContain('server: up to date');

    // A user edits a source: the next start runs the edit, never the old bundle.
    const cli = join(root, 'server/cli.ts');
    writeFileSync(cli, readFileSync(cli, 'utf8').replace('Unknown command: ', 'No such command: '));
    const stale = node(['server/bin.mjs', 'nope']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).not.toContain(MARK);
    expect(stale.stderr).toContain('No such command: nope');

    const rebuilt = node(['server/build.mjs', '--if-stale']);
    expect(rebuilt.stdout).toMatch(/server: built/);
    markBundle();
    const again = node(['server/bin.mjs', 'nope']);
    expect(again.stderr).toContain(MARK);
    expect(again.stderr).toContain('No such command: nope');
  }, 120_000);

  it('the bundled server starts, answers /healthz, validates requests and responses, and serves the spec as YAML', async () => {
    expect(node(['server/build.mjs', '--if-stale']).code).toBe(0);
    markBundle();
    const { child, url, output, exited } = await spawnServer(env(), { cwd: root });
    children.push(child);
    expect(output()).toContain(MARK);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const headers = { 'anchor-api-key': API_KEY, 'content-type': 'application/json' };
    const list = await fetch(`${url}/v1/webhooks`, { headers });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ data: { count: 0, items: [] } });

    const bad = await fetch(`${url}/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: 1 }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const created = await fetch(`${url}/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', subscribed_events: ['task.completed'] }) });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await created.json()).toMatchObject({ url: 'http://127.0.0.1:9/hook', subscribed_events: ['task.completed'], secret: expect.any(String) });

    const yaml = await fetch(`${url}/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(await yaml.text()).toMatch(/^openapi: 3\.1/m);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
