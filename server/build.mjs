#!/usr/bin/env node
// `node server/build.mjs`: compiles the server (and the client code it shares) with tsc into
// dist/, incrementally, and copies the generated spec files it reads beside it. A source edit
// followed by this build never leaves stale JavaScript behind; a build with nothing changed
// takes about a second.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const started = Date.now();
execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.server.json')], { cwd: root, stdio: 'inherit' });

// The server reads generated/*.json relative to itself: dist/server → dist/generated.
const from = join(root, 'generated');
const to = join(root, 'dist/generated');
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from).filter((n) => n.endsWith('.json'))) {
  const target = join(to, name);
  if (!existsSync(target) || !readFileSync(target).equals(readFileSync(join(from, name)))) copyFileSync(join(from, name), target);
}
console.log(`server: dist/server up to date (${Date.now() - started} ms)`);
