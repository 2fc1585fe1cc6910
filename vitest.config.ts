import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { configDefaults, defineConfig } from 'vitest/config';

// One folder per run for the contract-coverage records (test/support/coverage/): the
// recorder in each worker appends to it, the coverage gate reads it after the suites.
const coverageDir = (process.env.ANCHOR_COVERAGE_DIR ||= join(tmpdir(), `anchor-coverage-${process.pid}-${Date.now()}`));

// `@anchor-webhooks/client` and `@anchor-webhooks/server` from their sources, as tsconfig.json's
// `paths` map them for the type checker: one exact alias per entry, read from there.
const { config: tsconfig } = ts.readConfigFile(fileURLToPath(new URL('tsconfig.json', import.meta.url)), ts.sys.readFile);
const alias = Object.entries(tsconfig.compilerOptions.paths as Record<string, [string]>).map(([name, [source]]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
  replacement: fileURLToPath(new URL(source, import.meta.url)),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start servers and browsers; two cores cannot run many at once.
    maxWorkers: 2,
    env: { ANCHOR_COVERAGE_DIR: coverageDir },
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/coverage-gate/**'],
          globalSetup: ['test/support/coverage/global-setup.ts'],
        },
      },
      {
        // Runs only after every file of `suites` has finished (groups run in order).
        extends: true,
        test: {
          name: 'coverage-gate',
          include: ['test/coverage-gate/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
