/**
 * The import layers of server/, client/ and dashboard/, top first. A module may import its own
 * layer or any layer below it, never one above; and nothing may import in a cycle.
 * `server/`: commands → runtime → app → routes → operations/delivery → storage, url-policy →
 * spec, config, clock. `client/` and `dashboard/` slot in beside them; neither imports `server/`.
 */
export const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  // The entry points: the CLI, and the embedding API (`@anchor-webhooks/server`).
  { name: 'commands', paths: ['server/cli.ts', 'server/commands/', 'server/index.ts', 'server/reference-server.ts', 'client/listen.ts', 'client/listen/', 'dashboard/src/main.tsx'] },
  { name: 'runtime', paths: ['server/runtime.ts', 'dashboard/src/app.tsx'] },
  { name: 'app', paths: ['server/app.ts', 'dashboard/src/components/'] },
  // server/http/ is the request plumbing the routes share: identity, body parsing, validation.
  { name: 'routes', paths: ['server/routes/', 'server/http/', 'client/index.ts', 'client/adapters/'] },
  { name: 'operations/delivery', paths: ['server/operations/', 'server/delivery/', 'dashboard/src/'] },
  { name: 'storage, url-policy', paths: ['server/storage/', 'server/url-policy/'] },
  { name: 'spec, config, clock', paths: ['server/spec.ts', 'server/config.ts', 'server/durations.ts', 'server/clock.ts', 'server/problem.ts', 'server/logger.ts', 'server/paths.ts', 'server/json-depth.ts', 'client/'] },
  { name: 'generated', paths: ['generated/'] },
];

/** Imports that skip the layer order entirely. */
const FORBIDDEN: ReadonlyArray<{ from: string; to: string; why: string }> = [
  { from: 'client/', to: 'server/', why: 'the client package ships without the server' },
  { from: 'dashboard/', to: 'server/', why: 'the dashboard talks to the server over HTTP only' },
  { from: 'client/', to: 'dashboard/', why: 'the client knows nothing of the dashboard' },
];

/** One import: the importing module, the module it resolves to, and the specifier as written. */
export type Edge = { from: string; to: string; circular?: boolean; specifier?: string };

/** The layer of a module: the most specific path that contains it. */
export function layerOf(module: string): number | undefined {
  let best: { index: number; length: number } | undefined;
  LAYERS.forEach((layer, index) => {
    for (const path of layer.paths) {
      const matches = path.endsWith('/') ? module.startsWith(path) : module === path;
      if (matches && (!best || path.length > best.length)) best = { index, length: path.length };
    }
  });
  return best?.index;
}

/** Every edge that runs upward, crosses a forbidden boundary, or closes a cycle, as a sentence. */
export function importViolations(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  for (const { from, to, circular, specifier } of edges) {
    if (circular) problems.push(`${from} → ${to} is part of an import cycle`);
    const forbidden = FORBIDDEN.find((rule) => from.startsWith(rule.from) && to.startsWith(rule.to));
    if (forbidden) problems.push(`${from} → ${to}: ${forbidden.why}`);
    // The server depends on the client's package: an installed server has no ../client to reach.
    if (from.startsWith('server/') && to.startsWith('client/') && specifier?.startsWith('.')) {
      problems.push(`${from} imports ${to} by a relative path: import it from @anchor-webhooks/client, the server's dependency`);
    }
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === undefined) problems.push(`${from} is in no layer: add it to test/architecture/layers.ts`);
    else if (b === undefined) problems.push(`${to} (imported by ${from}) is in no layer`);
    else if (b < a) problems.push(`${from} (${LAYERS[a]!.name}) imports ${to} (${LAYERS[b]!.name}), a layer above it`);
  }
  return problems;
}
