#!/usr/bin/env node
// `node client/build.mjs [--clean]`: builds @anchor-webhooks/client into client/dist with tsc
// (incremental), then copies generated/schema.d.ts beside it, which tsc never emits but every
// .d.ts of the client imports (as ../generated/schema.js). `--clean` (prepack) starts from an
// empty dist/, so a packed tarball holds exactly what the sources make.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');
const { values } = parseArgs({ options: { clean: { type: 'boolean', default: false } } });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const started = Date.now();
if (values.clean) rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-b', join(here, 'tsconfig.json')], { cwd: here, stdio: 'inherit' });
// Copied only when it changed: an unchanged timestamp lets the server's incremental build skip work.
const from = join(root, 'generated/schema.d.ts');
const to = join(dist, 'generated/schema.d.ts');
mkdirSync(join(dist, 'generated'), { recursive: true });
if (!existsSync(to) || !readFileSync(to).equals(readFileSync(from))) copyFileSync(from, to);
console.log(`client: client/dist up to date (${Date.now() - started} ms)`);
