#!/usr/bin/env node
// The `anchor-webhooks-listen` executable: `listen` as client/build.mjs compiled it.
import { existsSync } from 'node:fs';

const entry = new URL('./dist/client/listen.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('anchor-webhooks-listen: dist/client/listen.js is missing; build it with `node client/build.mjs`.\n');
  process.exit(1);
}
const { run } = await import(entry.href);
process.exitCode = await run(process.argv.slice(2), { program: 'anchor-webhooks-listen' });
