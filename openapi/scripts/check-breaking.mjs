// Compares the public bundle with the last released one (openapi/released/) and fails on
// a breaking change unless info.version has a new major. `--release` records the current
// public bundle as the released one. `--released F --current F` compare two given files.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCompare } from 'api-smart-diff';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? resolve(process.argv[i + 1]) : resolve(root, fallback);
};
const releasedFile = arg('--released', 'openapi/released/openapi.public.json');
const currentFile = arg('--current', 'generated/openapi.public.json');

if (process.argv.includes('--release')) {
  writeFileSync(releasedFile, readFileSync(currentFile));
  console.log(`recorded ${currentFile.slice(root.length + 1)} as the released contract`);
  process.exit(0);
}

/**
 * api-smart-diff walks `paths` only. A webhook payload is data the receiver reads, like a
 * response body, so each `webhooks` entry is compared as a GET whose 200 is that payload.
 */
function withWebhooksAsResponses(doc) {
  const copy = structuredClone(doc);
  for (const [name, item] of Object.entries(copy.webhooks ?? {})) {
    const op = item.post;
    copy.paths[`/webhooks/${name}`] = {
      get: { operationId: op.operationId, responses: { 200: { description: op.summary ?? name, content: op.requestBody?.content ?? {} } } },
    };
  }
  delete copy.webhooks;
  return copy;
}

const released = withWebhooksAsResponses(JSON.parse(readFileSync(releasedFile, 'utf8')));
const current = withWebhooksAsResponses(JSON.parse(readFileSync(currentFile, 'utf8')));
const major = (doc) => Number(String(doc.info.version).split('.')[0]);

// The same change shows once per place a schema is used; report each place once.
const breaking = [...new Map(
  apiCompare(released, current).diffs
    .filter((d) => d.type === 'breaking')
    // Components are judged where `paths` uses them; in place, api-smart-diff misclassifies
    // edits (a response's description edit is "breaking", a removed schema field is not).
    .filter((d) => d.path[0] !== 'components')
    .map((d) => {
      const where = d.path.join('.');
      return [where, `${d.description?.trim() || `${d.action} at`} (${where})`];
    }),
).values()];

const from = released.info.version;
const to = current.info.version;
if (breaking.length === 0) {
  console.log(`No breaking change since the released contract (${from} → ${to}).`);
} else if (major(current) > major(released)) {
  console.log(`${breaking.length} breaking change(s), allowed by the new major version (${from} → ${to}).`);
} else {
  console.error(`Breaking change(s) since the released contract ${from}, and info.version ${to} is not a new major:`);
  for (const line of breaking) console.error(`  - ${line}`);
  console.error('Restore compatibility, or bump info.version to a new major and run `npm run release:contract`.');
  process.exit(1);
}
