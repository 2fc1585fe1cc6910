// Builds the self-contained Redoc pages from the public bundle:
//   dist/docs/index.html         the published docs (production first in the server list);
//   server/dist/docs/local.html  the copy the reference server serves at /docs (and its package
//                                ships): the local reference server first, and every code sample
//                                aimed at it, so that nothing copied from a laptop's docs goes
//                                to production.
// `--inlineBundle` embeds Redoc itself, but Redoc 3 still fetches its "API docs by" logo from
// a CDN; the pages must render with no network, so the logo is inlined. Three more fixes of the
// built page are below: the code tabs of the guides, the text Redoc's search indexes, and the
// eval probe of that search, so that the page runs under the server's Content-Security-Policy.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const redocly = join(root, 'node_modules/.bin/redocly');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const outDir = join(root, 'dist/docs');
const serverDocsDir = join(root, 'server/dist/docs');
mkdirSync(outDir, { recursive: true });
mkdirSync(serverDocsDir, { recursive: true });

const logo = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12" fill="#0044d4">Redocly</text></svg>',
)}`;
const codeTabs = readFileSync(join(root, 'openapi/docs-page/code-tabs.js'), 'utf8');
if (/<\/script/i.test(codeTabs)) throw new Error('openapi/docs-page/code-tabs.js must not contain "</script".');

/**
 * Redoc builds its search index from the text of each Markdown node, joining the pieces with
 * nothing between them: a line break inside a paragraph, two list items or two table cells
 * run together ("subscribedto", "signedAnchor-Signature"). The upstream fix is one line in
 * Redoc's text extractor: a space for a soft or hard break and after each block. Until Redoc
 * ships it, the built page gets it here. The lint rule anchor/no-hard-wrapped-text keeps our
 * own prose free of line breaks in any case.
 */
const TEXT_EXTRACTOR =
  /function ([\w$]+)\(e\)\{let t=\[\];function n\(e\)\{if\(!([\w$]+)\(e\)\)\{typeof e\.attributes\?\.content==`string`&&t\.push\(e\.attributes\.content\);for\(let t of e\.children\?\?\[\]\)n\(t\)\}\}return n\(e\),t\.join\(``\)\}/g;
const spacedTextExtractor = (_match, name, skip) =>
  `function ${name}(e){let t=[];function n(e){if(!${skip}(e)){if(e.type===\`softbreak\`||e.type===\`hardbreak\`){t.push(\` \`);return}` +
  `typeof e.attributes?.content==\`string\`&&t.push(e.attributes.content);for(let t of e.children??[])n(t);` +
  `/^(?:paragraph|heading|item|td|th|fence|blockquote)$/.test(e.type)&&t.push(\` \`)}}return n(e),t.join(\`\`).replace(/ {2,}/g,\` \`)}`;

/**
 * The server serves the page under a Content-Security-Policy without 'unsafe-eval'. Redoc's
 * search (FlexSearch) probes for a worker with `globalThis._factory ??= Function(…)`, an eval
 * the policy refuses (a violation in the console); the probe is caught and search runs on the
 * main thread. Answering the probe first, by throwing, takes that path without an eval.
 */
const EVAL_PROBE = '_factory??=Function(';
const NO_EVAL_PROBE = `<script>Object.defineProperty(globalThis,"_factory",{configurable:true,get(){throw new Error("no eval under this page's Content-Security-Policy")}});</script>`;

function buildPage(api, output) {
  execFileSync(redocly, ['build-docs', api, '--output', output, '--inlineBundle', '--title', 'Anchor Webhooks API', '--lint-config', 'error'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const html = readFileSync(output, 'utf8');
  const offline = html.replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, logo);
  if (offline === html) throw new Error('Redoc no longer references its CDN logo; revisit openapi/scripts/docs.mjs.');
  const searchable = offline.replace(TEXT_EXTRACTOR, spacedTextExtractor);
  if (searchable === offline) throw new Error("Redoc's search text extractor changed; revisit TEXT_EXTRACTOR in openapi/scripts/docs.mjs.");
  // The guides' code tabs: one static inline script (a CSP allows it by its hash).
  // An empty icon: otherwise a browser asks the server for /favicon.ico.
  if (!searchable.includes(EVAL_PROBE)) throw new Error("Redoc's search no longer probes for eval the same way; revisit EVAL_PROBE in openapi/scripts/docs.mjs.");
  const page = searchable
    .replace('<head>', () => `<head>${NO_EVAL_PROBE}`)
    .replace('</head>', () => `<link rel="icon" href="data:,">\n<script>\n${codeTabs}</script>\n</head>`);
  if (!page.includes(`<head>${NO_EVAL_PROBE}`) || !page.includes(codeTabs)) throw new Error('No <head> or </head> in the Redoc page; revisit openapi/scripts/docs.mjs.');
  writeFileSync(output, page);
  console.log(`wrote ${output.slice(root.length + 1)} (${Math.round(page.length / 1024)} KiB, no network needed)`);
}

/** The public bundle with the local reference server first and the code samples aimed at it. */
function localBundle(dir) {
  const file = join(dir, 'public.json');
  execFileSync(redocly, ['bundle', 'public', '--output', file, '--ext', 'json'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const local = doc.servers.find((s) => s.description === 'Local reference server');
  const production = doc.servers.find((s) => s.description === 'Production');
  if (!local || !production) throw new Error('servers must list "Production" and "Local reference server"; revisit openapi/scripts/docs.mjs.');
  doc.servers = [local, ...doc.servers.filter((s) => s !== local)];
  let aimed = 0;
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const sample of operation?.['x-codeSamples'] ?? []) {
        if (!sample.source.includes(production.url)) throw new Error(`a ${sample.lang} sample of ${operation.operationId} does not name ${production.url}`);
        sample.source = sample.source.replaceAll(production.url, local.url);
        aimed++;
      }
    }
  }
  const localFile = join(dir, 'local.json');
  writeFileSync(localFile, JSON.stringify(doc));
  return { file: localFile, aimed };
}

buildPage('public', join(outDir, 'index.html'));
const tmp = mkdtempSync(join(tmpdir(), 'anchor-docs-'));
try {
  const { file, aimed } = localBundle(tmp);
  buildPage(file, join(serverDocsDir, 'local.html'));
  console.log(`  local.html: ${aimed} code samples aimed at the local reference server`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
