#!/usr/bin/env node
// `node server/build.mjs [--if-stale]`: bundles the CLI (server/cli.ts, the sources it imports
// and the packages they use) into dist/server with esbuild, so `anchor-webhooks` starts without
// compiling TypeScript through tsx or resolving and reading some 600 package files one by one.
// `--if-stale` (what `npm start` uses) skips the build when the stamp still matches.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BUNDLE_DIR, ENTRY, ROOT, STAMP, freshBundle, hashInputs } from './bundle-stamp.mjs';

const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });
if (values['if-stale'] && freshBundle()) {
  console.log('server: up to date (dist/server)');
  process.exit(0);
}

/** esbuild comes with tsx (a dependency); hoisted in a checkout, maybe nested under tsx when installed. */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    return import(pathToFileURL(fromTsx.resolve('esbuild')).href);
  }
}

const relativeToRoot = (path) => relative(ROOT, resolve(ROOT, path)).split('\\').join('/');

/**
 * Gives each source file its own `import.meta.url`, as if it were not bundled: server/spec.ts
 * finds generated/openapi.json relative to itself. Every output file sits in dist/server, so
 * the path from the output to the source is the same for all chunks.
 */
const ownImportMetaUrl = (outDir, compiled) => ({
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const bytes = await readFile(path);
      compiled.set(relativeToRoot(path), bytes);
      const source = bytes.toString('utf8');
      const fromOutput = relative(outDir, path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

const { build } = await loadEsbuild();
const started = Date.now();
// The stamp hashes the bytes esbuild compiled, not the files after the build: a source saved
// during the build leaves the bundle stale rather than wrongly fresh.
const compiled = new Map();
// Packages are stamped by the lockfiles (npm rewrites node_modules/.package-lock.json on every
// install), not file by file: bin.mjs checks the stamp on every start.
const lockfiles = ['package-lock.json', 'node_modules/.package-lock.json'];
for (const file of ['server/build.mjs', 'server/bundle-stamp.mjs', 'tsconfig.json', ...lockfiles]) {
  if (existsSync(join(ROOT, file))) compiled.set(file, readFileSync(join(ROOT, file)));
}
// Built beside the live bundle and swapped in, so a server starting meanwhile never sees half a bundle.
const staging = `${BUNDLE_DIR}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(dirname(staging), { recursive: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'server/cli.ts' },
  outdir: staging,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Each command stays its own chunk, loaded on demand as in the sources (`listen` does not load express).
  splitting: true,
  chunkNames: '[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // better-sqlite3 is native; pino finds its worker files by path. Node loads them from node_modules.
  external: ['better-sqlite3', 'pino', 'pino-http'],
  // The bundled CommonJS packages require Node's built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Function and class names as in the sources: server/validator.ts finds the library's
  // middleware by name, and stack traces stay readable.
  keepNames: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [ownImportMetaUrl(BUNDLE_DIR, compiled)],
});
const sources = Object.keys(result.metafile.inputs).map(relativeToRoot);
const ownSources = sources.filter((file) => !file.split('/').includes('node_modules'));
const inputs = [...new Set([...ownSources, ...compiled.keys(), ...lockfiles])].sort();
const bytes = (input) => compiled.get(input) ?? readFileSync(join(ROOT, input));
writeFileSync(join(staging, STAMP), `${JSON.stringify({ hash: hashInputs(ROOT, inputs, bytes), inputs }, null, 2)}\n`);

const old = `${BUNDLE_DIR}.old-${process.pid}`;
try {
  renameSync(BUNDLE_DIR, old);
} catch {
  // no previous bundle
}
try {
  renameSync(staging, BUNDLE_DIR);
} catch (error) {
  // Another build (a second `npm start`) swapped its bundle in first; its own stamp says what it was built from.
  if (!['ENOTEMPTY', 'EEXIST'].includes(error.code)) throw error;
  rmSync(staging, { recursive: true, force: true });
}
rmSync(old, { recursive: true, force: true });
console.log(`server: built dist/server/${ENTRY} from ${ownSources.length} sources and ${sources.length - ownSources.length} package files in ${Date.now() - started} ms`);
