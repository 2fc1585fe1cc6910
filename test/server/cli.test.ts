/**
 * The `anchor-webhooks` executable, spawned as a user runs it: `keys create`, and `serve`
 * printing the key on first start, honouring ANCHOR_API_KEY, refusing bad configuration
 * and stopping cleanly on SIGTERM. Temp databases, 127.0.0.1 and port 0 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime } from '../../server/runtime.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

const BIN = fileURLToPath(new URL('../../server/bin.mjs', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string;
let children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-cli-'));
});
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

/** The environment without any of the caller's ANCHOR_* settings, plus `extra`. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ANCHOR_') && !['PORT', 'HOST', 'LOG_LEVEL'].includes(name)));
  return { ...clean, ANCHOR_DB: join(dir, 'anchor.sqlite'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...extra };
}

function cli(args: string[], extra: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: env(extra), encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `serve` and waits for the banner. */
async function serve(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const running = await spawnServer(env(extra));
  children.push(running.child);
  return running;
}

async function stop(serving: ServerProcess): Promise<number | null> {
  serving.child.kill('SIGTERM');
  return serving.exited;
}

const listWith = (url: string, apiKey: string) => fetch(`${url}/v1/webhooks`, { headers: { 'anchor-api-key': apiKey } });

describe('anchor-webhooks keys create', () => {
  it('creates a project and a key, or a key for an existing project; an unknown project is an error', () => {
    const first = cli(['keys', 'create']);
    expect(first.code, first.stderr).toBe(0);
    const created = JSON.parse(first.stdout) as { project_id: string; api_key: string };
    expect(Object.keys(created)).toEqual(['project_id', 'api_key']);
    expect(created.project_id).toMatch(UUID);
    expect(created.api_key).toMatch(/^anc_[A-Za-z0-9_-]{43}$/);

    const second = cli(['keys', 'create', '--project', created.project_id]);
    expect(second.code, second.stderr).toBe(0);
    const more = JSON.parse(second.stdout) as { project_id: string; api_key: string };
    expect(more.project_id).toBe(created.project_id);
    expect(more.api_key).not.toBe(created.api_key);

    const unknown = cli(['keys', 'create', '--project', '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No project 5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197/);
    expect(unknown.stdout).toBe('');

    expect(cli(['keys', 'create', '--project', 'not-a-uuid']).code).toBe(2);
    const usage = cli(['keys']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: anchor-webhooks keys create/);
  });
});

/** The first-start key: written to stderr (stdout is a pipe here, not a terminal), maybe just after the banner. */
async function firstStartKey(serving: ServerProcess): Promise<string | undefined> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const key = /API key:\s+(anc_\S+)/.exec(serving.stderr())?.[1];
    if (key) return key;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

describe('anchor-webhooks serve', () => {
  it('first start prints a working key once, with the API and docs URLs; stops on SIGTERM; the key survives a restart', async () => {
    const first = await serve({ LOG_LEVEL: 'info' });
    const apiKey = await firstStartKey(first);
    expect(apiKey, first.output()).toBeDefined();
    // stdout is not a terminal (it carries the JSON logs): the key goes to stderr only.
    expect(first.stdout()).not.toContain('anc_');
    expect(first.stdout()).toMatch(/API key:\s+\(new; written to stderr, shown once\)/);
    expect(first.output()).toMatch(new RegExp(`Docs:\\s+${first.url}/docs`));
    expect((await listWith(first.url, apiKey!)).status).toBe(200);
    expect((await listWith(first.url, 'anc_wrong')).status).toBe(401);
    const health = await fetch(`${first.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });

    // A key minted by the CLI while the server runs works at once.
    const minted = JSON.parse(cli(['keys', 'create']).stdout) as { api_key: string };
    expect((await listWith(first.url, minted.api_key)).status).toBe(200);

    expect(await stop(first)).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    // The key appears once in the output: in the banner, never in a log line.
    expect(first.output().split('\n').filter((line) => line.includes(apiKey!)).every((line) => !line.startsWith('{'))).toBe(true);

    const second = await serve({ LOG_LEVEL: 'info' });
    expect(second.output()).not.toMatch(/anc_/);
    expect(second.output()).toMatch(/API key:\s+\(not shown: only its hash is stored/);
    expect((await listWith(second.url, apiKey!)).status).toBe(200);
    expect(await stop(second)).toBe(0);
  }, 90_000);

  it('ANCHOR_API_KEY makes that key work for the default project, without printing it; a short one is warned about', async () => {
    const apiKey = 'local-dev-key-0123456789abcdef';
    const running = await serve({ ANCHOR_API_KEY: apiKey });
    expect(running.output()).toMatch(/API key:\s+\(from ANCHOR_API_KEY\)/);
    expect(running.output()).not.toContain(apiKey);
    // 30 characters: fewer than the 43 random ones of a generated key (issue 15 L6).
    expect(running.output()).toMatch(/WARNING: ANCHOR_API_KEY has 30 characters, fewer than the 43 random ones of a generated key/);
    expect((await listWith(running.url, apiKey)).status).toBe(200);
    expect(await stop(running)).toBe(0);

    const strong = await serve({ ANCHOR_API_KEY: `anc_${'k'.repeat(43)}` });
    expect(strong.output()).not.toMatch(/WARNING/);
    expect(await stop(strong)).toBe(0);
  }, 60_000);

  it('ANCHOR_ALLOW_PRIVATE_TARGETS prints a warning', async () => {
    const running = await serve({ ANCHOR_ALLOW_PRIVATE_TARGETS: '1', LOG_LEVEL: 'info' });
    expect(running.output()).toMatch(/WARNING:\s+ANCHOR_ALLOW_PRIVATE_TARGETS is on/);
    expect(await stop(running)).toBe(0);
  }, 60_000);

  it('refuses invalid configuration with a message naming each variable', () => {
    const result = cli(['serve'], { PORT: 'eighty', ANCHOR_VALIDATE_RESPONSES: 'maybe', ANCHOR_SECRET_KEY: 'short' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT="eighty": expected a port number/);
    expect(result.stderr).toMatch(/ANCHOR_VALIDATE_RESPONSES="maybe": expected true\/false/);
    expect(result.stderr).toMatch(/ANCHOR_SECRET_KEY: expected 64 hex characters/);
    expect(result.stderr).not.toContain('short');
  });
});

describe('a serve that cannot start', () => {
  /** `serve` on a port that is taken; resolves with its exit code, how long it took, and what it printed. */
  async function serveOnTakenPort(extra: Record<string, string>) {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, [BIN, 'serve'], { env: env({ PORT: String(port), ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      let failedAt = Number.NaN;
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => {
        output += c.toString();
        if (Number.isNaN(failedAt) && output.includes('Could not start')) failedAt = performance.now();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      // From the failure to the exit: nothing is left running (no worker, no timer, no open database).
      return { code, lingeredMs: performance.now() - failedAt, output };
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }

  it('exits non-zero at once, having delivered nothing: the worker never started', async () => {
    const receiver = await startReceiver();
    try {
      // A database with a delivery due now, to a loopback receiver this process allows.
      const seeded = createRuntime(defaultConfig({ dbPath: join(dir, 'anchor.sqlite'), logLevel: 'silent' }), { logger: createLogger({ level: 'silent' }) });
      const projectId = seeded.stores.projects.create();
      seeded.stores.webhooks.create(projectId, { url: receiver.url, subscribed_events: ['task.completed'], description: null }, Date.now(), 5);
      expect(seeded.publisher.publish({ projectId, type: 'task.completed' }).deliveryIds).toHaveLength(1);
      await seeded.close();

      const failed = await serveOnTakenPort({ ANCHOR_ALLOW_PRIVATE_TARGETS: '1', LOG_LEVEL: 'info' });
      expect(failed.code, failed.output).toBe(1);
      expect(failed.output).toMatch(/Could not start: .*EADDRINUSE/);
      // It ends by itself, without a signal, as soon as it has said why.
      expect(failed.lingeredMs).toBeLessThan(1_000);
      expect(receiver.requests).toHaveLength(0);
      const db = new BetterSqlite3(join(dir, 'anchor.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT COUNT(*) FROM delivery_attempts').pluck().get()).toBe(0);
        expect(db.prepare('SELECT status FROM deliveries').pluck().all()).toEqual(['pending']);
      } finally {
        db.close();
      }
    } finally {
      await receiver.close();
    }
  }, 30_000);

  it('on an empty database it keeps no key it never showed: the next start prints one', async () => {
    const failed = await serveOnTakenPort({});
    expect(failed.code, failed.output).toBe(1);
    expect(failed.output).not.toMatch(/anc_/);

    const next = await serve();
    const apiKey = await firstStartKey(next);
    expect(apiKey, next.output()).toBeDefined();
    expect((await listWith(next.url, apiKey!)).status).toBe(200);
    expect(await stop(next)).toBe(0);
  }, 60_000);
});
