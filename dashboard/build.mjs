#!/usr/bin/env node
// `node dashboard/build.mjs [--if-stale]`: builds the dashboard into server/dist/dashboard-app with
// Vite. `--if-stale` (what `npm start` uses) skips the build when its inputs have not changed
// since the last one, so start-up stays fast.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'server/dist/dashboard-app');
const stampFile = join(outDir, '.build-inputs');
const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });

/** Every file under `dir`, leaving out build output and installed packages. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : filesUnder(path);
    return [path];
  });
}

/** A hash of everything the bundle is made from: its sources, the client, the generated contract and the locked dependencies. */
function inputsHash() {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(root, 'dashboard')), ...filesUnder(join(root, 'client')), join(root, 'generated/contract.ts'), join(root, 'generated/schema.d.ts'), join(root, 'package-lock.json')];
  for (const file of files.sort()) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const inputs = inputsHash();
if (values['if-stale'] && readStamp() === inputs && statSync(join(outDir, 'index.html'), { throwIfNoEntry: false })) {
  console.log('dashboard: up to date (server/dist/dashboard-app)');
  process.exit(0);
}

const started = Date.now();
await build({ configFile: join(root, 'dashboard/vite.config.ts') });
writeFileSync(stampFile, `${inputs}\n`);

const shipped = filesUnder(join(outDir, 'assets')).filter((file) => /\.(js|css)$/.test(file));
const gzipped = shipped.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
console.log(`dashboard: built server/dist/dashboard-app in ${Date.now() - started} ms (${(gzipped / 1024).toFixed(1)} KiB of JS and CSS gzipped)`);
