// Open enums: a response-side set Anchor will extend (event types, problem codes, …) is
// `type: string` with its known values under `x-extensible-enum`, so strict generators in
// other languages make a plain string that accepts a value added later. Request-side sets
// stay closed (`enum`) and the server rejects what is not listed.

/** Each schema with `x-extensible-enum` in `doc`, with the JSON Pointer where it is. */
export function* openEnums(doc, pointer = '') {
  if (!doc || typeof doc !== 'object') return;
  if (!Array.isArray(doc) && Array.isArray(doc['x-extensible-enum'])) yield { pointer, schema: doc };
  for (const [key, child] of Object.entries(doc)) {
    if (key === 'example' || key === 'examples') continue;
    yield* openEnums(child, `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

/** A copy of `doc` where each open enum is a closed `enum` of its known values (for TypeScript types). */
export function withKnownValuesAsEnums(doc) {
  const copy = structuredClone(doc);
  for (const { schema } of openEnums(copy)) {
    schema.enum = schema['x-extensible-enum'];
    delete schema['x-extensible-enum'];
  }
  return copy;
}
