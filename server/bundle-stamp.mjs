// The prebuilt server bundle (dist/server, made by server/build.mjs) and the stamp that says
// what it was built from. Plain JavaScript: server/bin.mjs reads it before tsx is loaded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'dist/server');
export const ENTRY = 'cli.mjs';
export const STAMP = '.build-inputs.json';

/**
 * A hash of the named files (paths relative to `root`), content and name; a missing file hashes
 * as missing. `read` gives a file's bytes (the build passes the bytes esbuild compiled).
 */
export function hashInputs(root, inputs, read = (input) => readFileSync(join(root, input))) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    hash.update(input).update('\0');
    try {
      hash.update(read(input));
    } catch {
      hash.update('\0missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The bundle's entry file when the bundle in `dir` was built from the sources as they are now,
 * else undefined. The stamp lists every source file esbuild read (and the build script), so
 * editing any of them makes the bundle stale; an edit that adds an import edits a listed file.
 */
export function freshBundle(root = ROOT, dir = BUNDLE_DIR) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(stamp?.inputs) || typeof stamp.hash !== 'string') return undefined;
  return hashInputs(root, stamp.inputs) === stamp.hash ? join(dir, ENTRY) : undefined;
}
