/**
 * `npm start` runs the server as tsc compiled it (`node server/build.mjs`, incremental, the client
 * package first): after a source edit the next build, and so the next start, runs the edited code,
 * never a stale copy. In a scratch copy of the sources, so the real dist/ folders are never touched.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchCopy } from '../support/scratch-copy.js';

const run = promisify(execFile);
let copy: string;

beforeAll(() => {
  copy = scratchCopy('anchor-build-', (file) => /^(server|client|generated)\/|^(tsconfig|package)\.json$/.test(file));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const build = () => run(process.execPath, ['server/build.mjs'], { cwd: copy });
const keysHelp = async () => (await run(process.execPath, ['server/bin.mjs', 'keys', '--help'], { cwd: copy })).stdout;

it('an edited source, of the server or of the client package it imports, is what the next start runs', { timeout: 240_000 }, async () => {
  await expect(run(process.execPath, ['server/bin.mjs', 'keys', '--help'], { cwd: copy })).rejects.toMatchObject({
    stderr: expect.stringContaining('dist/server/cli.js is missing'),
  });
  await build();
  expect(await keysHelp()).toContain('Mints an API key');

  const source = join(copy, 'server/commands/keys.ts');
  writeFileSync(source, readFileSync(source, 'utf8').replace('Mints an API key', 'Mints a brand-new API key'));
  await build();
  expect(await keysHelp()).toContain('Mints a brand-new API key');

  // The server runs the client's package as built: `listen` lives there.
  const listenHelp = async () => (await run(process.execPath, ['server/bin.mjs', 'listen', '--help'], { cwd: copy })).stdout;
  expect(await listenHelp()).toContain('anchor-webhooks listen');
  const args = join(copy, 'client/listen/args.ts');
  writeFileSync(args, readFileSync(args, 'utf8').replace('A local receiver', 'A brand-new local receiver'));
  await build();
  expect(await listenHelp()).toContain('A brand-new local receiver');

  // Nothing changed: the build has nothing to do, and the output stays as it is.
  const { stdout } = await build();
  expect(stdout).toMatch(/client: client\/dist up to date/);
  expect(stdout).toMatch(/server: server\/dist up to date/);
  expect(await keysHelp()).toContain('Mints a brand-new API key');
});
