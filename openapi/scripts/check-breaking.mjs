// Compares the public bundle with the last released one (openapi/released/) and fails on
// a breaking change unless info.version has a new major, or the change is one of the
// deliberate ones listed, with its reason, in openapi/released/accepted-breaking.yaml.
// `--release` records the current public bundle as the released one. `--released F
// --current F [--accepted F]` compare two given files.
//
// api-smart-diff judges most changes. Enums are judged here instead, by the open-enum rule
// ("Open enums" in openapi/info-description.md):
// - removing a value from any enum, open or closed, is breaking;
// - adding a value to an open enum (`x-extensible-enum`) is not;
// - adding a value to a closed enum is breaking when a response or a delivery carries it
//   (a strictly generated client rejects the value), and not when only requests use it;
// - making a closed enum open with the same values is not breaking.
// Before api-smart-diff runs, both documents are put in one form, so that it does not report
// what is not a change for a client: ids are opaque (their pattern, length and format are not
// part of the contract); `oneOf: [X, {type: 'null'}]` is the same as X with `null` in its
// `type`; a list of unique enum values has the bound of its enum, judged with the enum; a
// $ref with a sibling description is its target (api-smart-diff would not follow it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCompare } from 'api-smart-diff';
import { parse as parseYaml } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? resolve(process.argv[i + 1]) : resolve(root, fallback);
};
const releasedFile = arg('--released', 'openapi/released/openapi.public.json');
const currentFile = arg('--current', 'generated/openapi.public.json');
const acceptedFile = arg('--accepted', 'openapi/released/accepted-breaking.yaml');

if (process.argv.includes('--release')) {
  writeFileSync(releasedFile, readFileSync(currentFile));
  console.log(`recorded ${currentFile.slice(root.length + 1)} as the released contract`);
  process.exit(0);
}

/**
 * api-smart-diff walks `paths` only. A webhook payload is data the receiver reads, like a
 * response body, so each `webhooks` entry is compared as a GET whose 200 is that payload.
 */
function withWebhooksAsResponses(doc) {
  const copy = structuredClone(doc);
  for (const [name, item] of Object.entries(copy.webhooks ?? {})) {
    const op = item.post;
    copy.paths[`/webhooks/${name}`] = {
      get: { operationId: op.operationId, responses: { 200: { description: op.summary ?? name, content: op.requestBody?.content ?? {} } } },
    };
  }
  delete copy.webhooks;
  return copy;
}

const SCHEMA_REF = '#/components/schemas/';
const isObject = (node) => node !== null && typeof node === 'object' && !Array.isArray(node);
const isNullSchema = (node) => isObject(node) && node.type === 'null' && Object.keys(node).length === 1;

/** Calls `visit` on every object in `node`, parents first, skipping examples. */
function eachObject(node, visit) {
  if (Array.isArray(node)) return node.forEach((child) => eachObject(child, visit));
  if (!isObject(node)) return;
  visit(node);
  for (const [key, child] of Object.entries(node)) if (key !== 'example' && key !== 'examples') eachObject(child, visit);
}

/** The component a `#/components/<kind>/<name>` reference names, as [kind, name]. */
const refTarget = (ref) => (typeof ref === 'string' && ref.startsWith('#/components/') ? ref.slice(13).split('/') : undefined);

/** Every component schema `node` uses, through any chain of component references. */
function schemasUsedBy(doc, node) {
  const seen = new Set();
  const names = new Set();
  const walk = (n) =>
    eachObject(n, (o) => {
      const target = refTarget(o.$ref);
      if (!target || seen.has(o.$ref)) return;
      seen.add(o.$ref);
      if (target[0] === 'schemas') names.add(target[1]);
      walk(doc.components?.[target[0]]?.[target[1]]);
    });
  walk(node);
  return names;
}

/** Per component schema, the places that send it (`requests`) and the places that carry it to clients (`responses`). */
function usage(doc) {
  const uses = new Map();
  const note = (names, side, label) => {
    for (const name of names) {
      if (!uses.has(name)) uses.set(name, { requests: new Set(), responses: new Set() });
      uses.get(name)[side].add(label);
    }
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op) || !op.responses) continue;
      const label = `${method.toUpperCase()} ${path}`;
      note(schemasUsedBy(doc, [item.parameters, op.parameters, op.requestBody]), 'requests', label);
      note(schemasUsedBy(doc, op.responses), 'responses', label);
    }
  }
  // A delivery is read by the receiver: its body and headers are carried to clients.
  for (const [name, item] of Object.entries(doc.webhooks ?? {})) note(schemasUsedBy(doc, item), 'responses', `webhook ${name}`);
  return uses;
}

/** The values of an enum schema, open or closed, without null (nullability is judged with the type). */
function enumOf(schema) {
  const open = Array.isArray(schema?.['x-extensible-enum']);
  const values = open ? schema['x-extensible-enum'] : Array.isArray(schema?.enum) ? schema.enum : undefined;
  return values && { open, values: values.filter((v) => v !== null) };
}

const places = (set) => {
  const list = [...set];
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
};

/** Breaking enum changes between the two bundles, by the open-enum rule. */
function enumChanges(released, current) {
  const uses = usage(released);
  const findings = [];
  for (const [name, schema] of Object.entries(released.components?.schemas ?? {})) {
    const before = enumOf(schema);
    const after = enumOf(current.components?.schemas?.[name]);
    if (!before || !after) continue; // a schema that went away is reported by api-smart-diff where it was used
    const where = uses.get(name) ?? { requests: new Set(), responses: new Set() };
    const all = new Set([...where.requests, ...where.responses]);
    for (const value of before.values.filter((v) => !after.values.includes(v))) {
      findings.push([`enum ${name} ${value}`, `${name}: value \`${value}\` removed (${places(all) || 'no operation uses it'})`]);
    }
    if (after.open || where.responses.size === 0) continue;
    for (const value of after.values.filter((v) => !before.values.includes(v))) {
      findings.push([
        `enum ${name} +${value}`,
        `${name}: value \`${value}\` added to a closed enum that clients receive (${places(where.responses)}); ` +
          `clients generated from the released contract may reject it. Make ${name} an open enum (x-extensible-enum) in a release first`,
      ]);
    }
  }
  return findings;
}

/** The form both documents are compared in (see the header): what is no change for a client looks the same. */
function comparable(doc) {
  const copy = structuredClone(doc);
  const schemas = copy.components?.schemas ?? {};
  const resolve = (s) => (typeof s?.$ref === 'string' && s.$ref.startsWith(SCHEMA_REF) ? schemas[s.$ref.slice(SCHEMA_REF.length)] : s);
  for (const [name, schema] of Object.entries(schemas)) {
    if (/Id$/.test(name)) for (const key of ['pattern', 'minLength', 'maxLength', 'format']) delete schema[key];
  }
  eachObject(copy, (node) => {
    // api-smart-diff does not follow a $ref that has siblings (3.1 allows a description beside it).
    if (typeof node.$ref === 'string' && Object.keys(node).length > 1 && resolve(node) !== node) {
      const target = resolve(node);
      delete node.$ref;
      for (const [k, v] of Object.entries(target)) if (!(k in node)) node[k] = structuredClone(v);
    }
    for (const key of ['oneOf', 'anyOf']) {
      const members = node[key];
      if (!Array.isArray(members) || members.length !== 2 || !members.some(isNullSchema)) continue;
      const target = resolve(members.find((m) => !isNullSchema(m)));
      if (!isObject(target) || typeof target.type !== 'string') continue;
      delete node[key];
      for (const [k, v] of Object.entries(target)) if (!(k in node)) node[k] = structuredClone(v);
      node.type = [target.type, 'null'];
    }
    if (node.type === 'array' && node.uniqueItems && enumOf(resolve(node.items))) delete node.maxItems;
  });
  eachObject(copy, (node) => {
    delete node.enum;
    delete node['x-extensible-enum'];
  });
  return copy;
}

/** Keywords that, added to a schema, only narrow the values it allows. */
const NARROWING = new Set(['maxLength', 'minLength', 'maxItems', 'minItems', 'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'pattern', 'format', 'maxProperties']);
const INTEGER_RANGES = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63 - 1] };

/**
 * api-smart-diff calls some additions breaking that break no client; its rules for a `$ref`'d
 * schema depend on where it first met it. Two kinds are judged here instead:
 * - in what the API sends (a response, or a webhook payload compared as one), a new property, a
 *   newly required one, or a bound (`maxLength`, `maxItems`, `format`…) only tells clients more
 *   about what they already get;
 * - `format: int32` or `int64` added to an integer whose `minimum` and `maximum` already lie in
 *   that range refuses no value that was accepted.
 */
const resolveRef = (doc, node) =>
  typeof node?.$ref === 'string' ? resolveRef(doc, node.$ref.slice(2).split('/').reduce((n, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc)) : node;

function breaksNoClient(diff, doc) {
  if (diff.action !== 'add') return false;
  const path = diff.path;
  const key = String(path[path.length - 1]);
  const parentKey = String(path[path.length - 2]);
  if (path[0] === 'paths' && path[3] === 'responses') {
    return NARROWING.has(key) || parentKey === 'properties' || parentKey === 'required';
  }
  if (key === 'format' && INTEGER_RANGES[diff.after]) {
    const schema = path.slice(0, -1).reduce((node, k) => resolveRef(doc, node?.[k]), doc);
    const [low, high] = INTEGER_RANGES[diff.after];
    return [].concat(schema?.type).includes('integer') && schema.minimum >= low && schema.maximum <= high;
  }
  return false;
}

const releasedDoc = JSON.parse(readFileSync(releasedFile, 'utf8'));
const currentDoc = JSON.parse(readFileSync(currentFile, 'utf8'));
const released = withWebhooksAsResponses(comparable(releasedDoc));
const current = withWebhooksAsResponses(comparable(currentDoc));
const major = (doc) => Number(String(doc.info.version).split('.')[0]);

// The same change shows once per place a schema is used; report each place once.
const found = [...new Map([
  ...enumChanges(releasedDoc, currentDoc),
  ...apiCompare(released, current).diffs
    .filter((d) => d.type === 'breaking')
    // Components are judged where `paths` uses them; in place, api-smart-diff misclassifies
    // edits (a response's description edit is "breaking", a removed schema field is not).
    .filter((d) => d.path[0] !== 'components')
    .filter((d) => !breaksNoClient(d, current))
    .map((d) => {
      const where = d.path.join('.');
      return [where, `${d.description?.trim() || `${d.action} at`} (${where})`];
    }),
]).entries()];

const from = released.info.version;
const to = current.info.version;

// Accepted changes apply to the released version they were judged against only: recording a
// new release retires them. Each names one exact place (`where`); nothing else is waived.
const acceptedList = existsSync(acceptedFile) ? ((parseYaml(readFileSync(acceptedFile, 'utf8')) ?? {})[from] ?? []) : [];
for (const entry of acceptedList) {
  if (typeof entry?.where !== 'string' || typeof entry?.reason !== 'string' || !entry.reason.trim()) {
    console.error(`${acceptedFile}: every entry under '${from}' needs a \`where\` and a \`reason\`.`);
    process.exit(2);
  }
}
const acceptedAt = new Map(acceptedList.map((entry) => [entry.where, entry.reason.trim()]));
const breaking = found.filter(([where]) => !acceptedAt.has(where)).map(([, text]) => text);
const accepted = found.filter(([where]) => acceptedAt.has(where));
for (const [where, text] of accepted) console.log(`Accepted breaking change: ${text}. Why: ${acceptedAt.get(where)}`);

if (breaking.length === 0) {
  console.log(`No breaking change since the released contract (${from} → ${to})${accepted.length ? `, but the ${accepted.length} accepted above` : ''}.`);
} else if (major(current) > major(released)) {
  console.log(`${breaking.length} breaking change(s), allowed by the new major version (${from} → ${to}).`);
} else {
  console.error(`Breaking change(s) since the released contract ${from}, and info.version ${to} is not a new major:`);
  for (const line of breaking) console.error(`  - ${line}`);
  console.error('Restore compatibility, or bump info.version to a new major and run `npm run release:contract`.');
  process.exit(1);
}
