/**
 * How deep objects and arrays may nest in a JSON body, the top level counting as 1. Code that
 * walks a value recursively (JSON.stringify, and the parsers of receivers in other languages,
 * e.g. .NET's default of 64 and Ruby's of 100) fails on deep values; real payloads stay far
 * below this.
 */
export const JSON_DEPTH_LIMIT = 32;

type Step = { parent: Step | null; key: string };

/**
 * The JSON Pointer of the first object or array found nested deeper than `limit` in `value`
 * (top level = depth 1), or null when there is none. Iterative, so any depth is safe to check.
 */
export function tooDeepAt(value: unknown, limit: number = JSON_DEPTH_LIMIT): string | null {
  const stack: Array<{ node: object; depth: number; at: Step | null }> = [];
  if (isContainer(value)) stack.push({ node: value, depth: 1, at: null });
  while (stack.length > 0) {
    const { node, depth, at } = stack.pop()!;
    if (depth > limit) return pointerOf(at);
    for (const [key, child] of Object.entries(node)) {
      if (isContainer(child)) stack.push({ node: child, depth: depth + 1, at: { parent: at, key } });
    }
  }
  return null;
}

const isContainer = (value: unknown): value is object => value !== null && typeof value === 'object';

function pointerOf(step: Step | null): string {
  const keys: string[] = [];
  for (let s = step; s; s = s.parent) keys.push(s.key.replace(/~/g, '~0').replace(/\//g, '~1'));
  return keys.reverse().map((k) => `/${k}`).join('');
}
