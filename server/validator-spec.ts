import type { OpenApiDocument } from './spec.js';

/** Maps whose keys are names (a property called `description`, a path, a status), not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas', 'schemas', 'paths', 'responses', 'parameters', 'headers', 'content', 'securitySchemes', 'requestBodies', 'callbacks', 'links', 'mapping', 'examples']);
/** Keywords that only document. */
const DOC_KEYWORDS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'tags']);

/**
 * The bundle as the validator needs it: `paths` and the components they reach, without
 * documentation (descriptions, examples, `x-` extensions such as code samples) and without
 * `webhooks`. express-openapi-validator compiles one schema per operation and status with all
 * of `components` and `paths` attached, and Ajv walks every key of them for each: most of the
 * start-up. Derived from the bundle at start-up; nothing is restated.
 */
export function validationView(doc: OpenApiDocument): OpenApiDocument {
  const reachable = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !reachable.has(ref)) {
      reachable.add(ref);
      visit(resolve(doc, ref));
    }
    Object.values(node).forEach(visit);
  };
  visit(doc.paths);
  visit(doc.components.securitySchemes);
  const components = Object.fromEntries(
    Object.entries(doc.components).map(([kind, entries]) => [
      kind,
      kind === 'securitySchemes' ? entries : Object.fromEntries(Object.entries(entries).filter(([name]) => reachable.has(`#/components/${kind}/${name}`))),
    ]),
  );
  const { webhooks: _webhooks, ...rest } = doc;
  return strip({ ...rest, components }, false) as OpenApiDocument;
}

function resolve(doc: OpenApiDocument, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => node?.[key], doc);
}

function strip(value: unknown, keysAreNames: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => strip(item, false));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // `x-eov-*` extensions configure the validator; other `x-` ones only document.
    if (!keysAreNames && (DOC_KEYWORDS.has(key) || (key.startsWith('x-') && !key.startsWith('x-eov-')))) continue;
    out[key] = strip(child, !keysAreNames && NAME_MAPS.has(key));
  }
  return out;
}
