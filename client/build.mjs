#!/usr/bin/env node
// `npm run build` [--out-dir <dir>]: compiles the client with tsc -p tsconfig.build.json,
// then copies generated/schema.d.ts beside it, which tsc never emits but every .d.ts of
// the client imports (as ../generated/schema.js).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const outDir = resolve(root, values['out-dir']);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(outDir, 'client'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, stdio: 'inherit' });
mkdirSync(join(outDir, 'generated'), { recursive: true });
copyFileSync(join(root, 'generated/schema.d.ts'), join(outDir, 'generated/schema.d.ts'));
console.log(`built anchor-webhooks/client into ${outDir}`);
