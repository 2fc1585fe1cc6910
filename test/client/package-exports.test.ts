import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVectors } from './support/vectors.js';

// The built package, used as an installed dependency would be: `npm run build`'s script
// compiles into a temp dir laid out like node_modules/anchor-webhooks, beside only the
// runtime dependencies the client needs; a user project imports `anchor-webhooks/client`
// through `exports`, runs it, and type-checks against the emitted .d.ts files.
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  files: string[];
  dependencies: Record<string, string>;
};
const tmp = mkdtempSync(join(tmpdir(), 'anchor-package-'));
const installed = join(tmp, 'node_modules/anchor-webhooks');
const vector = loadVectors().find((v) => v.name === 'published')!;
// tsc and child processes take seconds, and many more on a busy machine.
const SLOW = 120_000;

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'client/build.mjs'), '--out-dir', join(installed, 'dist')], { cwd: root, stdio: 'pipe' });
  copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
  for (const dep of ['openapi-fetch', 'express', '@types/node']) {
    mkdirSync(join(tmp, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(tmp, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
}, SLOW);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('package.json', () => {
  it('exports ./client with types first, and ships what the exports point at', () => {
    const entry = pkg.exports['./client']!;
    expect(Object.keys(entry)[0]).toBe('types');
    expect(entry).toEqual({ types: './dist/client/index.d.ts', default: './dist/client/index.js' });
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/client', 'dist/generated']));
  });

  it("lists the client's runtime imports as dependencies", () => {
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['openapi-fetch', 'express']));
  });
});

describe('the built anchor-webhooks/client, imported as a user would', () => {
  it('verifies a test vector and calls a loopback server', () => {
    writeFileSync(
      join(tmp, 'user.mjs'),
      `
import { createServer } from 'node:http';
import { createAnchorClient, verifyWebhook, signWebhook, WebhookVerificationError } from 'anchor-webhooks/client';

const vector = ${JSON.stringify(vector)};
const event = verifyWebhook({ body: vector.body, headers: { 'anchor-signature': vector.expected_header }, secrets: vector.secrets, now: new Date(vector.timestamp * 1000) });
let rejected;
try { verifyWebhook({ body: vector.body + ' ', headers: signWebhook({ body: vector.body, secrets: vector.secrets }), secrets: vector.secrets }); }
catch (e) { rejected = e instanceof WebhookVerificationError ? e.reason : String(e); }

const seen = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url, key: req.headers['anchor-api-key'], agent: req.headers['user-agent'] });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { count: 0, items: [] } }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const anchor = createAnchorClient({ apiKey: 'ak_user', baseUrl: 'http://127.0.0.1:' + server.address().port });
const { data } = await anchor.GET('/v1/webhooks');
server.close();

let deep;
try { await import('anchor-webhooks/dist/client/index.js'); } catch (e) { deep = e.code; }
console.log(JSON.stringify({ type: event.type, id: event.id, rejected, data, seen, deep }));
`,
    );
    const out = execFileSync(process.execPath, ['user.mjs'], { cwd: tmp, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      type: 'task.completed',
      id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1',
      rejected: 'no_matching_signature',
      data: { data: { count: 0, items: [] } },
      seen: [{ url: '/v1/webhooks', key: 'ak_user', agent: expect.stringMatching(/^anchor-webhooks-client\//) }],
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  }, SLOW);

  it('type-checks a user program against the emitted .d.ts files (types are real, not any)', () => {
    writeFileSync(
      join(tmp, 'user.ts'),
      `
import { createAnchorClient, verifyWebhook, type WebhookEvent, type components } from 'anchor-webhooks/client';

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
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
        files: ['user.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: tmp, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  }, SLOW);
});
