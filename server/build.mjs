#!/usr/bin/env node
// `node server/build.mjs [--assets] [--clean]`: builds @anchor-webhooks/client first (the server
// imports it as a package), then the server with tsc into server/dist, incrementally, and copies
// beside it the generated spec files it reads and the generated types its .d.ts files import.
// A source edit followed by this build never leaves stale JavaScript behind; a build with
// nothing changed takes about a second. `--assets` also builds the docs page and the dashboard
// into server/dist; `--clean` starts from empty dist/ folders. The package's prepack runs both,
// so a packed tarball holds exactly what the sources make.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');
const { values } = parseArgs({ options: { assets: { type: 'boolean', default: false }, clean: { type: 'boolean', default: false } } });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const node = (script, ...args) => execFileSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });

const started = Date.now();
if (values.clean) rmSync(dist, { recursive: true, force: true });
node('client/build.mjs', ...(values.clean ? ['--clean'] : []));
execFileSync(process.execPath, [tsc, '-b', join(here, 'tsconfig.json')], { cwd: here, stdio: 'inherit' });

// The server reads generated/*.json relative to itself (server/dist/server → server/dist/generated),
// and its .d.ts files import ../generated/schema.js. Copied only when changed.
const from = join(root, 'generated');
const to = join(dist, 'generated');
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from).filter((n) => n.endsWith('.json') || n === 'schema.d.ts')) {
  const target = join(to, name);
  if (!existsSync(target) || !readFileSync(target).equals(readFileSync(join(from, name)))) copyFileSync(join(from, name), target);
}
console.log(`server: server/dist up to date (${Date.now() - started} ms)`);

if (values.assets) {
  node('openapi/scripts/docs.mjs');
  node('dashboard/build.mjs', ...(values.clean ? [] : ['--if-stale']));
}
