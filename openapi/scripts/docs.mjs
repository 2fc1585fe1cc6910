// Builds the self-contained Redoc page at dist/docs/index.html from the public bundle.
// `--inlineBundle` embeds Redoc itself, but Redoc 3 still fetches its "API docs by"
// logo from a CDN; the page must render with no network, so the logo is inlined.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const output = join(root, 'dist/docs/index.html');

execFileSync(
  join(root, 'node_modules/.bin/redocly'),
  ['build-docs', 'public', '--output', output, '--inlineBundle', '--title', 'Anchor Webhooks API', '--lint-config', 'error'],
  { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, stdio: ['ignore', 'ignore', 'inherit'] },
);

const logo = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#0044d4">Redocly</text></svg>',
)}`;
const html = readFileSync(output, 'utf8');
const offline = html.replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, logo);
if (offline === html) throw new Error('Redoc no longer references its CDN logo; revisit openapi/scripts/docs.mjs.');
writeFileSync(output, offline);
console.log(`wrote ${output.slice(root.length + 1)} (${Math.round(offline.length / 1024)} KiB, no network needed)`);
