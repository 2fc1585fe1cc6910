import fc from 'fast-check';
import type { OpenApiDocument } from '../../support/spec.js';

type Schema = Record<string, any>;

/**
 * A fast-check arbitrary of values valid against a JSON Schema of the bundle (the subset the
 * spec uses: $ref, enum, const, oneOf/anyOf/allOf, type lists, objects, arrays, strings with
 * lengths, patterns and the formats uri, uuid and date-time, numbers with bounds). Lets the
 * hostile-input test start from bodies the spec describes, then break them.
 */
export function arbitraryFor(doc: OpenApiDocument, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') return arbitraryFor(doc, resolve(doc, schema.$ref), depth);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key])) return fc.oneof(...schema[key].map((s: Schema) => arbitraryFor(doc, s, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) return arbitraryFor(doc, mergeAll(doc, schema.allOf), depth);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : [];
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryFor(doc, { ...schema, type }, depth)));
  switch (types[0]) {
    case 'object': {
      const properties: Record<string, Schema> = schema.properties ?? {};
      const record = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, arbitraryFor(doc, s, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []) as string[] });
    }
    case 'array': {
      const items = arbitraryFor(doc, schema.items ?? {}, depth + 1);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 20) };
      return schema.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints);
    }
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 300);
  if (schema.format === 'uri') return fc.webUrl({ validSchemes: ['https'], withQueryParameters: true });
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity));
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

/** The node a local `$ref` (`#/components/...`) points at. */
export function resolve(doc: OpenApiDocument, ref: string): Schema {
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => node[key], doc);
}

function mergeAll(doc: OpenApiDocument, schemas: Schema[]): Schema {
  return schemas.reduce<Schema>((merged, s) => {
    const part = typeof s.$ref === 'string' ? resolve(doc, s.$ref) : s;
    return { ...merged, ...part, properties: { ...merged.properties, ...part.properties }, required: [...(merged.required ?? []), ...(part.required ?? [])] };
  }, {});
}
