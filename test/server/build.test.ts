/**
 * `npm start` runs the server as tsc compiled it (`node server/build.mjs`, incremental): after a
 * source edit the next build, and so the next start, runs the edited code, never a stale copy.
 * In a scratch copy of the sources, so the real dist/ is never touched.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../support/spec.js';

const run = promisify(execFile);
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'anchor-build-'));
  for (const entry of ['server', 'client', 'generated', 'tsconfig.json', 'tsconfig.server.json', 'package.json']) {
    cpSync(join(repoRoot, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const build = () => run(process.execPath, ['server/build.mjs'], { cwd: copy });
const keysHelp = async () => (await run(process.execPath, ['server/bin.mjs', 'keys', '--help'], { cwd: copy })).stdout;

it('an edited source is what the next start runs', { timeout: 180_000 }, async () => {
  await expect(run(process.execPath, ['server/bin.mjs', 'keys', '--help'], { cwd: copy })).rejects.toMatchObject({
    stderr: expect.stringContaining('dist/server/cli.js is missing'),
  });
  await build();
  expect(await keysHelp()).toContain('Mints an API key');

  const source = join(copy, 'server/commands/keys.ts');
  writeFileSync(source, readFileSync(source, 'utf8').replace('Mints an API key', 'Mints a brand-new API key'));
  await build();
  expect(await keysHelp()).toContain('Mints a brand-new API key');

  // Nothing changed: the build has nothing to do, and the output stays as it is.
  const { stdout } = await build();
  expect(stdout).toMatch(/dist\/server up to date/);
  expect(await keysHelp()).toContain('Mints a brand-new API key');
});
