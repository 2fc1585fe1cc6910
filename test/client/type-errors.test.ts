import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// Misuses of the client must be compile errors. The fixture holds them behind
// `@ts-expect-error`; compiled as is it must pass, and with the directives blanked out
// it must fail on exactly the lines they guarded: so each error is real and expected.
const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtureDir = join(root, 'test/fixtures/type-errors');
const fixture = join(fixtureDir, 'client-misuse.ts');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tmp = mkdtempSync(join(tmpdir(), 'anchor-type-errors-'));
// tsc takes seconds, and more on a busy machine.
const TSC_TIMEOUT = 120_000;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runTsc(project: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** 1-based line numbers of "file(line,col): error" reports for `file`. */
function errorLines(output: string, file: string): number[] {
  const lines = [...output.matchAll(/^(.+?)\((\d+),\d+\): error TS\d+/gm)].filter((m) => m[1]!.endsWith(file)).map((m) => Number(m[2]));
  return [...new Set(lines)].sort((a, b) => a - b);
}

describe('type errors of deliberately wrong calls', () => {
  const source = readFileSync(fixture, 'utf8');
  const directiveLines = source
    .split('\n')
    .map((line, i) => (/^\s*\/\/ @ts-expect-error/.test(line) ? i + 1 : 0))
    .filter((n) => n > 0);

  it('the fixture has a directive for each misuse', () => {
    expect(directiveLines.length).toBeGreaterThanOrEqual(15);
  });

  it('compile with every @ts-expect-error satisfied', () => {
    const { status, output } = runTsc(join(fixtureDir, 'tsconfig.json'));
    expect(output).toBe('');
    expect(status).toBe(0);
  }, TSC_TIMEOUT);

  it('are real: without the directives, tsc reports errors on exactly the guarded lines', () => {
    // Blank the directives (keeping line numbers) and point the import at the repo's client.
    const stripped = source
      .replace(/^(\s*)\/\/ @ts-expect-error.*$/gm, '$1//')
      .replace("'../../../client/index.js'", `'${join(root, 'client/index.js')}'`);
    writeFileSync(join(tmp, 'stripped.ts'), stripped);
    writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({ extends: join(fixtureDir, 'tsconfig.json'), files: ['stripped.ts'] }));
    const { status, output } = runTsc(join(tmp, 'tsconfig.json'));
    expect(status).not.toBe(0);
    expect(errorLines(output, 'stripped.ts')).toEqual(directiveLines.map((n) => n + 1));
  }, TSC_TIMEOUT);
});

describe('TypeScript examples users copy', () => {
  const samplesDir = join(root, 'openapi/code_samples/typescript');
  const samples = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(samplesDir, f));
  const tsBlocks = (file: string) => [...readFileSync(join(root, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const readmes = ['README.md', 'client/README.md', 'server/README.md'];
  const readmeBlocks = readmes.map((file) => ({ file, blocks: tsBlocks(file) }));
  const docsBlocks = ['openapi/info-description.md', 'openapi/guides/verifying-signatures.md', 'openapi/guides/event-payloads.md'].flatMap(tsBlocks);
  // The package names as tsconfig.json maps them: the packages' sources.
  const { paths } = (ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions;

  it("the docs' code samples and TypeScript blocks, and the READMEs' examples, compile against @anchor-webhooks/client and @anchor-webhooks/server", () => {
    expect(samples.length).toBeGreaterThanOrEqual(10);
    expect(readmeBlocks.map(({ file, blocks }) => [file, blocks.length > 0])).toEqual(readmes.map((file) => [file, true]));
    expect(readmeBlocks.find((r) => r.file === 'client/README.md')!.blocks.length).toBeGreaterThanOrEqual(5);
    expect(docsBlocks.length).toBeGreaterThanOrEqual(1);
    for (const sample of [...samples.map((f) => readFileSync(f, 'utf8')), ...docsBlocks]) expect(sample).not.toMatch(/from 'anchor-webhooks\/client'/);
    // README and docs blocks become ES modules in a temp project that sees the repo's node_modules.
    const dir = join(tmp, 'examples');
    mkdirSync(dir);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const examples = [...readmeBlocks.flatMap((r) => r.blocks), ...docsBlocks].map((code, i) => {
      writeFileSync(join(dir, `example-${i}.ts`), code);
      return join(dir, `example-${i}.ts`);
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(fixtureDir, 'tsconfig.json'),
        compilerOptions: { esModuleInterop: true, paths: Object.fromEntries(Object.entries(paths).map(([name, [source]]) => [name, [join(root, source!)]])) },
        files: [...samples, ...examples],
      }),
    );
    const { status, output } = runTsc(join(dir, 'tsconfig.json'));
    expect(output).toBe('');
    expect(status).toBe(0);
  }, TSC_TIMEOUT);
});
