// `redocly lint` exits 0 on warnings; this project allows none, so fail on any.
// Redocly's Node 20 end-of-life banner is boxed and is not a lint finding.
// Three runs: the OpenAPI descriptions (redocly.yaml: the sources and the generated 3.0
// companion); their 3.1 bundles, because only there do `$ref`s name components, so only there
// can `no-unused-components` see an unused one; then the Arazzo workflows in openapi/arazzo/
// with their own config (redocly.yaml's OpenAPI rules would be "unused" there).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workflows = readdirSync(join(root, 'openapi/arazzo'))
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => `openapi/arazzo/${name}`);

function lint(args) {
  const run = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', ...args, '--format=stylish', ...process.argv.slice(2)], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    encoding: 'utf8',
  });
  const output = `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((line) => !/[║╔╚]/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  process.stdout.write(output);
  const warnings = output.split('\n').filter((line) => /\bwarning\b|⚠/i.test(line));
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (warnings.length) {
    console.error(`\nlint: ${warnings.length} warning line(s); this project allows none.`);
    process.exit(1);
  }
}

lint(['full', 'public', 'public-3.0']);
const bundles = mkdtempSync(join(tmpdir(), 'anchor-lint-'));
try {
  const files = ['full', 'public'].map((api) => {
    const file = join(bundles, `${api}.json`);
    execFileSync(join(root, 'node_modules/.bin/redocly'), ['bundle', api, '--output', file, '--ext', 'json'], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return file;
  });
  lint(files);
} finally {
  rmSync(bundles, { recursive: true, force: true });
}
if (workflows.length > 0) lint([...workflows, '--config', 'openapi/arazzo.redocly.yaml']);
