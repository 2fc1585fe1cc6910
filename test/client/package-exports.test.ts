/**
 * The manifests of @anchor-webhooks/client and @anchor-webhooks/server, and the built client used
 * as an installed dependency is: exports (types first) that point at what the build makes and
 * what `npm pack` ships, exact pins, the client's one runtime dependency and optional Express
 * peer, tsconfig `paths` that mirror the exports, one version per dependency across the
 * workspaces. The tarballs themselves, installed in fresh projects, are
 * test/packages/consumer.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_AGENT } from '@anchor-webhooks/client';
import { repoRoot as root } from '../support/spec.js';
import { userEnv } from '../support/user-env.js';
import { loadVectors } from './support/vectors.js';

type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  exports: Record<string, string | { types: string; default: string }>;
  bin?: Record<string, string>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const manifest = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = manifest('.');
const packages = { client: manifest('client'), server: manifest('server') };

const tmp = mkdtempSync(join(tmpdir(), 'anchor-package-'));
const vector = loadVectors().find((v) => v.name === 'published')!;
// tsc, npm and child processes take seconds, and many more on a busy machine.
const SLOW = 180_000;

beforeAll(() => {
  // Incremental: seconds when nothing changed. The client first, then the server against it.
  execFileSync(process.execPath, [join(root, 'server/build.mjs')], { cwd: root, stdio: 'pipe' });
  // A user's project whose node_modules holds the built client package (and @types/node for tsc).
  mkdirSync(join(tmp, 'node_modules/@anchor-webhooks'), { recursive: true });
  mkdirSync(join(tmp, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(root, 'client'), join(tmp, 'node_modules/@anchor-webhooks/client'), 'dir');
  symlinkSync(join(root, 'node_modules/@types/node'), join(tmp, 'node_modules/@types/node'), 'dir');
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
}, SLOW);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the package manifests', () => {
  it('the root is the private workspace of exactly client/ and server/', () => {
    expect(rootManifest.private).toBe(true);
    expect(rootManifest).toMatchObject({ workspaces: ['client', 'server'] });
    expect(packages.client.name).toBe('@anchor-webhooks/client');
    expect(packages.server.name).toBe('@anchor-webhooks/server');
    expect(packages.client.private).toBeUndefined();
    expect(packages.server.private).toBeUndefined();
  });

  it.each(Object.entries(packages))('%s: every export lists `types` first, and `npm pack` ships each file an export or bin names', (dir, pkg) => {
    const targets: string[] = [];
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === 'string') {
        expect(subpath).toBe('./package.json');
        continue;
      }
      expect(Object.keys(entry)).toEqual(['types', 'default']);
      targets.push(entry.types, entry.default);
    }
    targets.push(...Object.values(pkg.bin ?? {}));
    // What `npm pack` would put in the tarball, as it stands after the build (prepack not run).
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(root, dir), encoding: 'utf8', env: userEnv });
    const [{ files }] = JSON.parse(out) as [{ files: Array<{ path: string }> }];
    const shipped = files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining([...targets.map((t) => t.replace(/^\.\//, '')), 'README.md', 'package.json']));
    // No sources, tests, source maps or build state in the tarball.
    expect(shipped.filter((f) => /\.map$|tsbuildinfo|^(?!dist\/).*\.ts$|\.build-inputs$/.test(f))).toEqual([]);
  }, SLOW);

  it('prepack builds each package from an empty dist/ (the server with its docs page and dashboard)', () => {
    expect(packages.client.scripts?.prepack).toBe('node build.mjs --clean');
    expect(packages.server.scripts?.prepack).toBe('node build.mjs --assets --clean');
    expect(packages.server.files).toEqual(expect.arrayContaining(['dist/docs/local.html', 'dist/dashboard-app']));
  });

  it('pins every dependency to an exact version', () => {
    const all = [rootManifest, ...Object.values(packages)].flatMap((pkg) => Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }));
    expect(all.filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version))).toEqual([]);
  });

  it('the client depends on openapi-fetch only; Express is an optional peer, for the adapter', () => {
    expect(packages.client.dependencies).toEqual({ 'openapi-fetch': expect.any(String) });
    expect(packages.client.peerDependencies).toEqual({ express: expect.any(String) });
    expect(packages.client.peerDependenciesMeta).toEqual({ express: { optional: true } });
  });

  it('the server depends on the client at its own version, and on nothing the root does not pin alike', () => {
    expect(packages.server.dependencies?.['@anchor-webhooks/client']).toBe(packages.client.version);
    const versions = new Map<string, Set<string>>();
    for (const pkg of [rootManifest, ...Object.values(packages)]) {
      for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
        versions.set(name, (versions.get(name) ?? new Set()).add(version));
      }
    }
    expect([...versions].filter(([, set]) => set.size > 1).map(([name, set]) => `${name}: ${[...set].join(' vs ')}`)).toEqual([]);
  });

  it("tsconfig.json `paths` map each package export to its source (and vitest's aliases follow them)", () => {
    const { paths } = (ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions;
    const expected = Object.entries(packages).flatMap(([dir, pkg]) =>
      Object.entries(pkg.exports)
        .filter(([subpath]) => subpath !== './package.json')
        .map(([subpath, entry]) => {
          const built = (entry as { default: string }).default; // ./dist/<dir>/<name>.js
          const source = built.replace(`./dist/${dir}/`, `./${dir}/`).replace(/\.js$/, '.ts');
          return [`${pkg.name}${subpath.slice(1)}`, [source]] as const;
        }),
    );
    expect(paths).toEqual(Object.fromEntries(expected));
  });

  it("the client's User-Agent names its package version", () => {
    expect(USER_AGENT).toBe(`anchor-webhooks-client/${packages.client.version}`);
  });
});

describe('the built @anchor-webhooks/client, imported as a user would', () => {
  it('verifies a test vector, calls a loopback server, loads Express only for anchorWebhook, and hides its internals', () => {
    writeFileSync(
      join(tmp, 'user.mjs'),
      `
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createAnchorClient, verifyWebhook, signWebhook, anchorWebhook, WebhookVerificationError } from '@anchor-webhooks/client';
import { deliveryHeaders } from '@anchor-webhooks/client/sending';
import { run as listen } from '@anchor-webhooks/client/listen';

const vector = ${JSON.stringify(vector)};
const event = verifyWebhook({ body: vector.body, headers: { 'anchor-signature': vector.expected_header }, secrets: vector.secrets, now: new Date(vector.timestamp * 1000) });
let rejected;
try { verifyWebhook({ body: vector.body + ' ', headers: signWebhook({ body: vector.body, secrets: vector.secrets }), secrets: vector.secrets }); }
catch (e) { rejected = e instanceof WebhookVerificationError ? e.reason : String(e); }
const sent = deliveryHeaders({ eventType: 'task.completed', deliveryId: 'd', body: vector.body, secrets: vector.secrets, timestamp: vector.timestamp });

const seen = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url, key: req.headers['anchor-api-key'], agent: req.headers['user-agent'] });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { count: 0, items: [] } }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const anchor = createAnchorClient({ apiKey: 'ak_user', baseUrl: 'http://127.0.0.1:' + server.address().port });
const { data } = await anchor.GET('/v1/webhooks');
server.close();

const expressLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node_modules/express/'));
const before = expressLoaded();
anchorWebhook({ secret: 's' });
const after = expressLoaded();

let deep;
try { await import('@anchor-webhooks/client/dist/client/index.js'); } catch (e) { deep = e.code; }
console.log(JSON.stringify({ type: event.type, id: event.id, rejected, signed: sent['anchor-signature'] === vector.expected_header, data, seen, express: [before, after], listen: typeof listen, deep }));
`,
    );
    const out = execFileSync(process.execPath, ['user.mjs'], { cwd: tmp, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      type: 'task.completed',
      id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1',
      rejected: 'no_matching_signature',
      signed: true,
      data: { data: { count: 0, items: [] } },
      seen: [{ url: '/v1/webhooks', key: 'ak_user', agent: expect.stringMatching(/^anchor-webhooks-client\//) }],
      express: [false, true],
      listen: 'function',
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  }, SLOW);

  it('type-checks a user program against the emitted .d.ts files (types are real, not any)', () => {
    writeFileSync(
      join(tmp, 'user.ts'),
      `
import { createAnchorClient, verifyWebhook, type WebhookEvent, type components } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: 'k', retry: true });
export async function main(raw: Buffer, headers: Record<string, string>): Promise<string> {
  const { data, error } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: 'wh_1' } } });
  if (error) return error.code;
  const hook: components['schemas']['WebhookPublic'] = data;
  // @ts-expect-error the generated types reach the user: no such path
  await anchor.GET('/v1/nope');
  const event: WebhookEvent = verifyWebhook({ body: raw, headers, secret: 's' });
  // @ts-expect-error a parsed object is not a raw body
  verifyWebhook({ body: { parsed: true }, headers, secret: 's' });
  return event.type === 'task.failed' ? event.data.error.type : hook.url;
}
`,
    );
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
        files: ['user.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: tmp, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  }, SLOW);
});
