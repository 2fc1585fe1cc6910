#!/usr/bin/env node
// The `anchor-webhooks` executable: the server as `node server/build.mjs` compiled it into
// server/dist (`npm start` builds it first, so an edited source never runs stale; the package's
// prepack builds it into the tarball).
import { existsSync } from 'node:fs';

const entry = new URL('./dist/server/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('anchor-webhooks: dist/server/cli.js is missing; build it with `node server/build.mjs` (npm start and npm test do).\n');
  process.exit(1);
}
await import(entry.href);
