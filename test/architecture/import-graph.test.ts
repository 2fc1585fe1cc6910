/**
 * The import graph of server/, client/ and dashboard/, read by dependency-cruiser: no cycle, and
 * no import from a lower layer to a higher one (test/architecture/layers.ts), and the server reaches
 * the client only through its package name.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/spec.js';
import { importViolations, layerOf, type Edge } from './layers.js';

async function importEdges(): Promise<Edge[]> {
  const result = await cruise(
    ['server', 'client', 'dashboard/src'],
    { baseDir: repoRoot, tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, exclude: { path: '(^|/)(node_modules|dist)/' } },
    undefined,
    { tsConfig: { fileName: `${repoRoot}tsconfig.json` } },
  );
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, not a graph');
  return result.output.modules.flatMap((module) =>
    module.dependencies
      .filter((d) => !d.coreModule && !d.resolved.includes('node_modules/'))
      .map((d) => ({ from: module.source, to: d.resolved, circular: d.circular, specifier: d.module })),
  );
}

describe('the import graph', () => {
  it('has no cycle and no import that runs up a layer', { timeout: 60_000 }, async () => {
    const edges = await importEdges();
    // The graph really was read: the composition root imports the app, the app its routes; the
    // worker signs with the client package (resolved to its source through tsconfig `paths`).
    expect(edges).toContainEqual(expect.objectContaining({ from: 'server/runtime.ts', to: 'server/app.ts' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'server/delivery/worker.ts', to: 'client/sending.ts', specifier: '@anchor-webhooks/client/sending' }));
    expect(edges.length).toBeGreaterThan(150);
    expect(importViolations(edges)).toEqual([]);
  });

  it('reports a cycle, an upward import and a forbidden boundary (negative control)', () => {
    expect(layerOf('server/storage/stores.ts')).toBeGreaterThan(layerOf('server/routes/webhooks.ts')!);
    expect(
      importViolations([
        { from: 'server/storage/events.ts', to: 'server/delivery/publish.ts' },
        { from: 'server/commands/serve.ts', to: 'server/runtime.ts', circular: true },
        { from: 'client/verify-webhook.ts', to: 'server/problem.ts' },
        { from: 'server/new-thing.ts', to: 'server/spec.ts' },
        { from: 'server/delivery/worker.ts', to: 'client/delivery-headers.ts', specifier: '../../client/delivery-headers.js' },
      ]),
    ).toEqual([
      'server/storage/events.ts (storage, url-policy) imports server/delivery/publish.ts (operations/delivery), a layer above it',
      'server/commands/serve.ts → server/runtime.ts is part of an import cycle',
      'client/verify-webhook.ts → server/problem.ts: the client package ships without the server',
      'server/new-thing.ts is in no layer: add it to test/architecture/layers.ts',
      "server/delivery/worker.ts imports client/delivery-headers.ts by a relative path: import it from @anchor-webhooks/client, the server's dependency",
    ]);
  });
});

describe('the server holds no process-wide state', () => {
  const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);

  it('no module of server/ keeps state at its top level (a let, or a Map, Set or WeakMap that is not read-only)', () => {
    const found: string[] = [];
    for (const file of tracked.filter((f) => f.startsWith('server/') && /\.(ts|mjs|cjs)$/.test(f))) {
      readFileSync(`${repoRoot}${file}`, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // A lookup table typed ReadonlyMap/ReadonlySet is data, not state: TypeScript forbids writing to it.
          const collection = /^(export )?const \w+(: [^=]+)? = new (Map|Set|WeakMap|WeakSet)\b/.test(line) && !/^(export )?const \w+: Readonly(Map|Set)</.test(line);
          if (/^(export )?let /.test(line) || collection) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('the start-up machinery is gone: no bundle stamp, warm-up app, keepNames or skipKeywords patch', () => {
    const words = ['skipKeywords', 'bundle-stamp', 'warm-up', 'keepNames'];
    const found = tracked
      .filter((f) => f !== 'test/architecture/import-graph.test.ts' && !f.endsWith('package-lock.json'))
      .flatMap((file) => {
        const text = readFileSync(`${repoRoot}${file}`, 'utf8');
        return words.filter((w) => text.includes(w)).map((w) => `${file}: ${w}`);
      });
    expect(found).toEqual([]);
  });
});
