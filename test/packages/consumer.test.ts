/**
 * The two packages as a user gets them. Both workspaces are packed with `npm pack` (their prepack
 * builds them) from a scratch copy of the sources, into a temp folder; fresh projects outside the
 * repository install only those tarballs (dependencies from the npm cache or registry; no link
 * into this checkout), and use them:
 * - a client-only install: no better-sqlite3, express or esbuild in its tree, few packages; the
 *   published test vector verifies; a program type-checks under `tsc --strict`; its listen bin runs;
 * - a project with the server: `npx anchor-webhooks serve` starts with its database in the working
 *   directory, answers /healthz, /docs and /dashboard, and round-trips a webhook; the vitest example
 *   of the server's README, taken from the README, passes there and type-checks.
 * Installing the server compiles better-sqlite3 from source here: minutes, not seconds. The sizes,
 * package count and install time are printed and written to dist/packages.json.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors } from '../client/support/vectors.js';
import { scratchCopy } from '../support/scratch-copy.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { repoRoot } from '../support/spec.js';
import { userEnv } from '../support/user-env.js';

const MINUTE = 60_000;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const serverReadme = readFileSync(join(repoRoot, 'server/README.md'), 'utf8');
const vector = loadVectors().find((v) => v.name === 'published')!;


function run(command: string, args: string[], options: ExecFileOptions & { cwd: string }): Promise<{ stdout: string; stderr: string; ms: number }> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: userEnv, maxBuffer: 64 * 1024 * 1024, ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { message: `${command} ${args.join(' ')} failed in ${options.cwd}: ${error.message}\n${stdout}\n${stderr}` }));
      else resolve({ stdout: String(stdout), stderr: String(stderr), ms: performance.now() - startedAt });
    });
  });
}
const npm = (args: string[], cwd: string, timeout = 10 * MINUTE) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd, timeout });

/** A fresh project: a package.json as `npm init` would make it (and as the server README says, better-sqlite3's build allowed). */
function freshProject(prefix: string, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true, type: 'module', ...extra }, null, 2));
  return dir;
}

/** Every package an install put in node_modules, by name. */
function installedPackages(project: string): string[] {
  const lock = JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages).map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

/** tsc --strict over `files` in `project`, against what is installed there (@types/node from this checkout: the user's own). */
async function typecheck(project: string, files: string[]): Promise<string> {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules/@types')],
      },
      files,
    }),
  );
  try {
    await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project, timeout: 5 * MINUTE });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const figures: Record<string, number | string> = {};
const cleanup: string[] = [];
let packs: string;
const tarballs = { client: '', server: '' };

beforeAll(async () => {
  const copy = scratchCopy('anchor-pack-');
  packs = mkdtempSync(join(tmpdir(), 'anchor-packs-'));
  cleanup.push(copy, packs);
  for (const workspace of ['client', 'server'] as const) {
    await npm(['pack', '--pack-destination', packs], join(copy, workspace));
    const file = readdirSync(packs).find((name) => name.startsWith(`anchor-webhooks-${workspace}-`) && name.endsWith('.tgz'));
    if (!file) throw new Error(`npm pack left no ${workspace} tarball in ${packs}: ${readdirSync(packs).join(', ')}`);
    tarballs[workspace] = join(packs, file);
  }
  figures.clientTarballBytes = statSync(tarballs.client).size;
  figures.serverTarballBytes = statSync(tarballs.server).size;
}, 15 * MINUTE);

afterAll(() => {
  if (Object.keys(figures).length > 0) {
    const kb = (bytes: unknown) => `${(Number(bytes) / 1024).toFixed(1)} KiB`;
    console.log(
      [
        'packages:',
        `  @anchor-webhooks/client tarball ${kb(figures.clientTarballBytes)}; a client-only install brings ${figures.clientInstallPackages} packages (${figures.clientInstallNames})`,
        `  @anchor-webhooks/server tarball ${kb(figures.serverTarballBytes)}; installing both tarballs: ${figures.serverInstallPackages} packages in ${(Number(figures.serverInstallMs) / 1000).toFixed(1)} s (better-sqlite3 compiled from source)`,
      ].join('\n'),
    );
    mkdirSync(join(repoRoot, 'dist'), { recursive: true });
    writeFileSync(join(repoRoot, 'dist/packages.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
  }
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs', () => {
  const contents = async (tarball: string) => (await run('tar', ['-tzf', tarball], { cwd: packs })).stdout.split('\n').filter(Boolean);

  it('hold the built packages: ESM, .d.ts, the types, the bins, the README; no sources, maps or tests', async () => {
    const client = await contents(tarballs.client);
    expect(client).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/bin.mjs',
        'package/dist/client/index.js',
        'package/dist/client/index.d.ts',
        'package/dist/client/listen.js',
        'package/dist/client/sending.js',
        'package/dist/generated/schema.d.ts',
      ]),
    );
    const server = await contents(tarballs.server);
    expect(server).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/bin.mjs',
        'package/dist/server/index.js',
        'package/dist/server/index.d.ts',
        'package/dist/server/cli.js',
        'package/dist/server/delivery/checkpoint-thread.cjs',
        'package/dist/generated/contract.js',
        'package/dist/generated/openapi.validation.json',
        'package/dist/docs/local.html',
        'package/dist/dashboard-app/index.html',
      ]),
    );
    expect(server.some((f) => /^package\/dist\/dashboard-app\/assets\/.+\.js$/.test(f))).toBe(true);
    expect([...client, ...server].filter((f) => /\.map$|tsbuildinfo|\.build-inputs$|^package\/(?!dist\/).+\.ts$|\/test\//.test(f))).toEqual([]);
  });
});

describe('a project that installs only the client', () => {
  let project: string;
  beforeAll(async () => {
    project = freshProject('anchor-consumer-client-');
    cleanup.push(project);
    await npm(['install', tarballs.client], project);
    const names = installedPackages(project);
    figures.clientInstallPackages = names.length;
    figures.clientInstallNames = names.join(', ');
  }, 15 * MINUTE);

  it('has no better-sqlite3, express or esbuild in its tree, and fewer than 10 packages', () => {
    const names = installedPackages(project);
    expect(names).toContain('@anchor-webhooks/client');
    expect(names).toContain('openapi-fetch');
    expect(names.filter((name) => ['better-sqlite3', 'express', 'esbuild', '@anchor-webhooks/server'].includes(name))).toEqual([]);
    expect(names.length).toBeLessThan(10);
  });

  it("import('@anchor-webhooks/client') verifies the published test vector, and rejects a tampered body", async () => {
    writeFileSync(
      join(project, 'verify.mjs'),
      `
const { verifyWebhook, WebhookVerificationError } = await import('@anchor-webhooks/client');
const vector = ${JSON.stringify(vector)};
const event = verifyWebhook({ body: vector.body, headers: { 'Anchor-Signature': vector.expected_header }, secrets: vector.secrets, now: new Date(vector.timestamp * 1000) });
let tampered;
try { verifyWebhook({ body: vector.body.replace('42.1', '42.2'), headers: { 'Anchor-Signature': vector.expected_header }, secrets: vector.secrets, now: new Date(vector.timestamp * 1000) }); }
catch (error) { tampered = error instanceof WebhookVerificationError && error.reason; }
console.log(JSON.stringify({ id: event.id, type: event.type, tampered }));
`,
    );
    const { stdout } = await run(process.execPath, ['verify.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1', type: 'task.completed', tampered: 'no_matching_signature' });
  });

  it('a TypeScript program using createAnchorClient and verifyWebhook type-checks with tsc --strict', { timeout: 5 * MINUTE }, async () => {
    writeFileSync(
      join(project, 'program.ts'),
      `
import type { IncomingMessage } from 'node:http';
import { createAnchorClient, verifyWebhook, WebhookVerificationError } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY ?? '', baseUrl: 'http://127.0.0.1:8080', retry: true });

export async function register(url: string): Promise<string> {
  const { data, error } = await anchor.POST('/v1/webhooks', { body: { url, subscribed_events: ['task.completed', 'task.failed'] } });
  if (error) throw new Error(error.code + ': ' + error.detail);
  return data.secret;
}

export function receive(raw: Buffer, req: IncomingMessage, secret: string): string {
  try {
    const event = verifyWebhook({ body: raw, headers: req.headers, secrets: [secret] });
    return event.type === 'task.failed' ? event.data.error.type : event.id;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}
`,
    );
    expect(await typecheck(project, ['program.ts'])).toBe('');
  });

  it('runs its bin, anchor-webhooks-listen, and asks for Express only when the Express adapter is used', async () => {
    const { stdout } = await run('npx', ['anchor-webhooks-listen', '--help'], { cwd: project });
    expect(stdout).toMatch(/^Usage: anchor-webhooks-listen \[options\]/);
    writeFileSync(join(project, 'express.mjs'), `import { anchorWebhook } from '@anchor-webhooks/client';\ntry { anchorWebhook({ secret: 's' }); } catch (e) { console.log(e.message); }\n`);
    expect((await run(process.execPath, ['express.mjs'], { cwd: project })).stdout).toMatch(/^anchorWebhook needs Express, an optional peer dependency of @anchor-webhooks\/client: `npm install express`/);
  });
});

describe('a project that installs the server', () => {
  let project: string;
  beforeAll(async () => {
    project = freshProject('anchor-consumer-server-', { allowScripts: { 'better-sqlite3': true } });
    cleanup.push(project);
    const install = await npm(['install', tarballs.client, tarballs.server], project, 20 * MINUTE);
    figures.serverInstallMs = Math.round(install.ms);
    figures.serverInstallPackages = installedPackages(project).length;
  }, 25 * MINUTE);

  describe('npx anchor-webhooks serve', () => {
    let served: ServerProcess;
    let apiKey: string;
    beforeAll(async () => {
      // LOG_LEVEL=info: the log says when it has stopped, and with which pid (npx runs it as a grandchild).
      served = await spawnServer(
        { ANCHOR_ALLOW_PRIVATE_TARGETS: '1', LOG_LEVEL: 'info' },
        { cwd: project, command: ['npx', 'anchor-webhooks', 'serve'], baseEnv: userEnv, processGroup: true, timeoutMs: 2 * MINUTE },
      );
      apiKey = /API key:\s+(anc_\S+)/.exec(served.stderr())?.[1] ?? '';
    }, 3 * MINUTE);
    afterAll(async () => {
      // After a failed test: nothing of the group (npx, its shell, the server) left running.
      served?.signal('SIGKILL');
      await served?.exited;
    });

    it('starts from the tarball with its database in the working directory', () => {
      expect(served.stdout()).toContain('Database:  ./data/anchor.sqlite');
      expect(existsSync(join(project, 'data/anchor.sqlite'))).toBe(true);
      expect(apiKey).toMatch(/^anc_/);
    });

    it('answers /healthz, /docs and /dashboard with 200, prebuilt', async () => {
      const healthz = await fetch(`${served.url}/healthz`);
      expect([healthz.status, await healthz.json()]).toEqual([200, { status: 'ok' }]);
      const docs = await fetch(`${served.url}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('Anchor Webhooks API');
      const dashboard = await fetch(`${served.url}/dashboard`);
      expect(dashboard.status).toBe(200);
      const page = await dashboard.text();
      const script = /src="(\/dashboard\/assets\/[\w-]+\.js)"/.exec(page)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${served.url}${script}`)).status).toBe(200);
    });

    it('round-trips a webhook, create then list, with the installed client', async () => {
      writeFileSync(
        join(project, 'round-trip.mjs'),
        `
import { createAnchorClient, throwOnError } from '@anchor-webhooks/client';
const anchor = createAnchorClient({ apiKey: process.env.KEY, baseUrl: process.env.URL });
const created = await throwOnError(anchor.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/anchor/webhooks', subscribed_events: ['task.completed'] } }));
const listed = await throwOnError(anchor.GET('/v1/webhooks'));
console.log(JSON.stringify({ created: created.id, secret: created.secret.length > 0, listed: listed.data.items.map((w) => w.id) }));
`,
      );
      const { stdout } = await run(process.execPath, ['round-trip.mjs'], { cwd: project, env: { ...userEnv, KEY: apiKey, URL: served.url } });
      const { created, secret, listed } = JSON.parse(stdout) as { created: string; secret: boolean; listed: string[] };
      expect(secret).toBe(true);
      expect(listed).toEqual([created]);
    });

    it('stops gracefully on Ctrl-C (SIGINT to its process group)', async () => {
      const pid = Number(/"pid":(\d+)[^\n]*"msg":"listening"/.exec(served.stdout())?.[1]);
      expect(pid).toBeGreaterThan(0);
      served.signal('SIGINT');
      await served.exited;
      await expect.poll(() => /"msg":"stopped"/.test(served.stdout()), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => isRunning(pid), { timeout: 30_000 }).toBe(false);
      await expect(fetch(`${served.url}/healthz`)).rejects.toThrow();
    });
  });

  describe("the server README's vitest example, copied verbatim", () => {
    const section = serverReadme.slice(serverReadme.indexOf('## In your tests: `startReferenceServer`'));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const file = /^\/\/ (\S+\.test\.ts)\n/.exec(example)?.[1] ?? 'missing.test.ts';

    beforeAll(async () => {
      // The user's own test runner, as the README says: npm install --save-dev vitest.
      await npm(['install', '--save-dev', `vitest@${rootManifest.devDependencies.vitest}`], project);
      writeFileSync(join(project, file), example);
    }, 15 * MINUTE);

    it('is a complete test: it starts the server, creates a webhook to a loopback handler, publishes, awaits, closes', () => {
      expect(file).toBe('anchor-webhooks.test.ts');
      for (const step of ['startReferenceServer(', "anchor.client.POST('/v1/webhooks'", "listen(0, '127.0.0.1'", "publish('task.completed'", 'waitForDelivery(', 'verifyWebhook(', 'anchor.close()']) {
        expect(example).toContain(step);
      }
    });

    it('passes there, and vitest exits with nothing left open', { timeout: 5 * MINUTE }, async () => {
      const { stdout, stderr } = await run('npx', ['vitest', 'run', '--reporter', 'verbose'], { cwd: project, timeout: 4 * MINUTE, env: { ...userEnv, CI: 'true', NO_COLOR: '1' } });
      const output = `${stdout}\n${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
      expect(output).toMatch(/task\.completed reaches my receiver, signed/);
      expect(output).toMatch(/Tests\s+1 passed \(1\)/);
      expect(output).not.toMatch(/close timed out|something prevents|hanging/i);
    });

    it('type-checks with tsc --strict against the installed packages', { timeout: 5 * MINUTE }, async () => {
      expect(await typecheck(project, [file])).toBe('');
    });

    it('a plain script that starts, delivers and closes exits by itself', { timeout: 2 * MINUTE }, async () => {
      writeFileSync(
        join(project, 'embed.mjs'),
        `
import { createServer } from 'node:http';
import { startReferenceServer } from '@anchor-webhooks/server';
const receiver = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const anchor = await startReferenceServer();
await anchor.client.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:' + receiver.address().port + '/', subscribed_events: ['task.completed'] } });
const { id } = await anchor.publish('task.completed');
const delivery = await anchor.waitForDelivery({ eventId: id });
await anchor.close();
receiver.close();
console.log(delivery.status, delivery.attempts.length);
`,
      );
      const { stdout } = await run(process.execPath, ['embed.mjs'], { cwd: project, timeout: 90_000 });
      expect(stdout.trim()).toBe('succeeded 1');
    });
  });
});
