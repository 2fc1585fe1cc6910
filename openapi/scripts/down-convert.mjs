// The OpenAPI 3.0.3 companion of the public bundle, for generators and loaders that read
// only 3.0 (kin-openapi, swagger-core, Perl's OpenAPI::Client, …). @apiture/openapi-down-convert
// does the bulk (type arrays → nullable, const → enum, schema examples → example); the rest
// is what it leaves behind for this document.
import { Converter } from '@apiture/openapi-down-convert';

/** `webhooks` becomes `x-webhooks` (Redoc's 3.0 spelling), in the same place; payload schemas stay in components. */
function renameWebhooks(doc) {
  return Object.fromEntries(Object.entries(doc).map(([key, value]) => [key === 'webhooks' ? 'x-webhooks' : key, value]));
}

const isNullSchema = (schema) => schema && typeof schema === 'object' && schema.type === 'null' && Object.keys(schema).length === 1;

/** The schema a local `#/components/schemas/X` reference points at. */
function target(doc, schema) {
  const name = typeof schema?.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/') ? schema.$ref.slice(21) : undefined;
  return name === undefined ? undefined : doc.components.schemas[name];
}

/**
 * Fixes each schema under `node`:
 * - `oneOf`/`anyOf: [X, {type: 'null'}]` (nullability on a property) becomes X's keywords with
 *   `nullable: true` when X is a scalar, else `allOf: [X]` with `nullable: true` and X's `type`
 *   (3.0 ignores `nullable` without `type`);
 * - siblings of `$ref` go (3.0 ignores them; the referenced schema carries its own description);
 * - `contentMediaType`/`contentSchema` (JSON Schema 2020-12, what a string holds) go: 3.0 has no
 *   such keywords. A delivery `payload` stays a string; `WebhookEvent` stays in components.
 */
function fixSchemas(doc, node) {
  if (!node || typeof node !== 'object') return;
  for (const key of ['oneOf', 'anyOf']) {
    const members = node[key];
    if (!Array.isArray(members) || !members.some(isNullSchema)) continue;
    const rest = members.filter((m) => !isNullSchema(m));
    delete node[key];
    const only = rest.length === 1 ? (target(doc, rest[0]) ?? rest[0]) : undefined;
    if (only && ['string', 'integer', 'number', 'boolean'].includes(only.type)) {
      // A scalar is copied in: validators do not apply `nullable` to what an `allOf` member allows.
      const { title: _title, description: _description, example: _example, ...scalar } = only;
      Object.assign(node, scalar);
    } else if (only) {
      node.allOf = rest;
      if (typeof only.type === 'string') node.type = only.type;
    } else {
      node[key] = rest;
    }
    node.nullable = true;
  }
  if (typeof node.$ref === 'string') {
    for (const key of Object.keys(node)) if (key !== '$ref') delete node[key];
    return;
  }
  if ('contentSchema' in node && typeof node.type === 'string') {
    delete node.contentSchema;
    delete node.contentMediaType;
  }
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'example' && key !== 'examples') fixSchemas(doc, child);
  }
}

export function downConvert(publicDoc) {
  const doc = new Converter(renameWebhooks(structuredClone(publicDoc)), { verbose: false }).convert();
  // 3.1 only: info.summary, and license.identifier (which the converter drops) whose 3.0 form is a URL.
  delete doc.info.summary;
  const spdx = publicDoc.info.license?.identifier;
  if (spdx && !doc.info.license.url) doc.info.license.url = `https://spdx.org/licenses/${spdx}.html`;
  fixSchemas(doc, doc);
  return doc;
}
