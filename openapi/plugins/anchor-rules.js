// Lint rules that Redocly's configurable rules cannot express: they need to
// look through $ref to the schema a property really has.

/** Every schema property has a description; every non-object property has an example. */
function SchemaPropertyDocumented() {
  return {
    SchemaProperties: {
      enter(properties, ctx) {
        for (const [name, raw] of Object.entries(properties)) {
          const { node } = ctx.resolve(raw);
          if (!node || typeof node !== 'object') continue;
          const where = ctx.location.child([name]);
          if (!raw.description && !node.description) {
            ctx.report({ message: `Property \`${name}\` needs a description.`, location: where });
          }
          const types = [].concat(node.type ?? (node.allOf || node.oneOf ? 'object' : []));
          const isObject = types.includes('object') || (types.includes('array') && isObjectArray(node, ctx));
          const hasExample = 'example' in raw || 'examples' in raw || 'example' in node || 'examples' in node || 'const' in node;
          if (!isObject && !hasExample) {
            ctx.report({ message: `Property \`${name}\` needs an example.`, location: where });
          }
        }
      },
    },
  };
}

function isObjectArray(node, ctx) {
  const items = node.items && ctx.resolve(node.items).node;
  return Boolean(items && (items.type === 'object' || items.allOf || items.oneOf));
}

/**
 * Object schemas inside requests, responses and properties must be named components,
 * so that generators in other languages do not invent names such as InlineResponse200.
 */
function NoInlineObjectSchema() {
  const check = (schema, ctx) => {
    if (!schema || schema.$ref) return;
    const isObject = schema.type === 'object' || schema.properties || schema.allOf || schema.oneOf || schema.anyOf;
    if (isObject) ctx.report({ message: 'Object schemas must be named components: move this schema under components/schemas and $ref it.', location: ctx.location });
  };
  return {
    MediaType: { schema: { enter: check } },
    Parameter: { schema: { enter: check } },
    Header: { schema: { enter: check } },
  };
}

/** Every 4xx answer of an API operation (not a receiver's answer in `webhooks`) is problem+json. */
function ProblemDetails4xx() {
  return {
    Paths: {
      Response: {
        enter(response, ctx) {
          if (!/^4/.test(String(ctx.key))) return;
          if (!response.content || !response.content['application/problem+json']) {
            ctx.report({ message: `Response ${ctx.key} must be application/problem+json.`, location: ctx.location });
          }
        },
      },
    },
  };
}

/** The values of `enum` or `x-extensible-enum`, which a source file may take from another by $ref. */
function valuesOf(schema, key, ctx) {
  const raw = schema[key];
  return raw && typeof raw === 'object' && !Array.isArray(raw) && raw.$ref ? ctx.resolve(raw).node : raw;
}

/**
 * No `null` inside an enum. Generators in other languages turn it into a constant such as
 * `NULL("null")` that is sent as the string "null". Nullability goes on the property:
 * `oneOf: [{ $ref: X }, { type: 'null' }]`.
 */
function NoNullInEnum() {
  return {
    Schema: {
      enter(schema, ctx) {
        for (const key of ['enum', 'x-extensible-enum']) {
          const values = valuesOf(schema, key, ctx);
          if (Array.isArray(values) && values.includes(null)) {
            ctx.report({
              message: `\`${key}\` must not contain null: make the property nullable instead (oneOf: [{ $ref: … }, { type: 'null' }]).`,
              location: ctx.location.child([key]),
            });
          }
        }
      },
    },
  };
}

/**
 * An open enum (a set Anchor will extend, see "Open enums" in info-description.md) is
 * `type: string` with its known values, unique non-empty strings, under `x-extensible-enum`
 * and no `enum`: strict generators then make a plain string that accepts a later value.
 */
function OpenEnumShape() {
  return {
    Schema: {
      enter(schema, ctx) {
        if (!('x-extensible-enum' in schema)) return;
        const where = ctx.location.child(['x-extensible-enum']);
        const values = valuesOf(schema, 'x-extensible-enum', ctx);
        if (schema.type !== 'string') ctx.report({ message: 'An open enum must be `type: string`.', location: where });
        if ('enum' in schema) ctx.report({ message: 'An open enum has no `enum`: its known values are in `x-extensible-enum` only.', location: where });
        const ok = Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string' && v !== '') && new Set(values).size === values.length;
        if (!ok) ctx.report({ message: '`x-extensible-enum` must be a non-empty list of unique, non-empty strings.', location: where });
      },
    },
  };
}

const SENTENCE_CASE = /^[A-Z][a-z0-9]*( [a-z0-9][a-z0-9-]*)*$/;

/**
 * API operations have sentence-case summaries ("Create webhook"); a webhook's summary is
 * its event name ("task.completed"), which is what readers search the sidebar for.
 */
function OperationSummary() {
  let webhook = '';
  return {
    Paths: {
      Operation: {
        enter(operation, ctx) {
          if (typeof operation.summary === 'string' && SENTENCE_CASE.test(operation.summary)) return;
          ctx.report({ message: 'Operation summaries are in sentence case, with no trailing period.', location: ctx.location.child(['summary']) });
        },
      },
    },
    WebhooksMap: {
      PathItem: {
        enter(_item, ctx) {
          webhook = String(ctx.key);
        },
        Operation: {
          enter(operation, ctx) {
            if (operation.summary === webhook) return;
            ctx.report({ message: `A webhook's summary is its event name: \`${webhook}\`.`, location: ctx.location.child(['summary']) });
          },
        },
      },
    },
  };
}

/** Lines that start a Markdown block of their own: a line break before one is not a wrap. */
const BLOCK_START = /^\s*([-*+] |\d+[.)] |\||#{1,6} |>|```|~~~|\{%)/;

/**
 * Line numbers (1-based) where a paragraph or list item of `text` continues on the next
 * line. Redoc's search joins such lines without a space ("subscribedto"), so prose is
 * written one paragraph per line: a folded block (`>`) in YAML, or long lines in Markdown.
 */
export function hardWrappedLines(text) {
  const lines = text.split('\n');
  const found = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const next = lines[i + 1];
    if (fenced || next === undefined || line.trim() === '' || next.trim() === '') continue;
    if (/^\s*(\||\{%|#{1,6} )/.test(line) || /( {2}|\\)$/.test(line) || BLOCK_START.test(next)) continue;
    found.push(i + 1);
  }
  return found;
}

/** No hard-wrapped prose in any description or summary, wherever it comes from (YAML or a .md file). */
function NoHardWrappedText() {
  return {
    any: {
      enter(node, ctx) {
        if (!node || typeof node !== 'object' || Array.isArray(node)) return;
        for (const key of ['description', 'summary']) {
          const value = node[key];
          const isRef = value && typeof value === 'object' && typeof value.$ref === 'string';
          const resolved = isRef ? ctx.resolve(value) : { node: value, location: ctx.location.child([key]) };
          if (typeof resolved.node !== 'string') continue;
          const wrapped = hardWrappedLines(resolved.node);
          if (wrapped.length === 0) continue;
          ctx.report({
            message: `\`${key}\` is hard-wrapped (line ${wrapped.join(', ')}): search snippets glue the words across the break. Write each paragraph and list item on one line (a folded \`>\` block in YAML).`,
            location: resolved.location ?? ctx.location.child([key]),
          });
        }
      },
    },
  };
}

const COMPONENT_TYPES = ['Schema', 'Parameter', 'Response', 'Example', 'RequestBody', 'Header'];

/**
 * Redocly's no-unused-components, except for a deprecated alias: a schema marked
 * `deprecated` that is only `allOf: [{ $ref }]` to its new name. Nothing refers to it on
 * purpose; it stays so that code generated from an earlier release keeps compiling.
 * Run on a bundle: only there do `$ref`s name components.
 */
function NoUnusedComponents() {
  const components = new Map();
  const register = (kind) => ({
    enter(node, ctx) {
      const pointer = ctx.location.absolutePointer;
      const alias = kind === 'Schema' && node.deprecated === true && Array.isArray(node.allOf) && node.allOf.length === 1 && node.allOf[0].$ref;
      components.set(pointer, { used: components.get(pointer)?.used ?? false, alias: Boolean(alias), name: String(ctx.key), location: ctx.location });
    },
  });
  return {
    ref(ref, { type, resolve }) {
      if (!COMPONENT_TYPES.includes(type.name)) return;
      const target = resolve(ref).location;
      if (!target) return;
      const entry = components.get(target.absolutePointer);
      components.set(target.absolutePointer, { ...entry, used: true });
    },
    NamedSchemas: { Schema: register('Schema') },
    NamedParameters: { Parameter: register('Parameter') },
    NamedResponses: { Response: register('Response') },
    NamedExamples: { Example: register('Example') },
    NamedRequestBodies: { RequestBody: register('RequestBody') },
    NamedHeaders: { Header: register('Header') },
    Root: {
      leave(_root, { report }) {
        for (const entry of components.values()) {
          if (!entry.location || entry.used || entry.alias) continue;
          report({ message: `Component: "${entry.name}" is never used.`, location: entry.location.key() });
        }
      },
    },
  };
}

/**
 * OWASP API4 (unrestricted resource consumption): every value the API takes or gives has a
 * bound the validator enforces, so a new unbounded field fails `npm run lint`.
 */
// Formats whose every valid value has a bounded length (date-time has not: its fraction of a
// second may have any number of digits; uri neither).
const BOUNDED_FORMATS = new Set(['uuid', 'date', 'ipv4', 'ipv6']);
const INTEGER_FORMATS = new Set(['int32', 'int64']);
const typesOf = (schema) => [].concat(schema.type ?? []);
const fixed = (schema) => 'const' in schema || Array.isArray(schema.enum);

/** Every string has a maxLength, an enum or const, or a format that bounds its length. */
function StringBounded() {
  return {
    Schema: {
      enter(schema, ctx) {
        if (!typesOf(schema).includes('string') || fixed(schema)) return;
        if (typeof schema.maxLength === 'number' || BOUNDED_FORMATS.has(schema.format)) return;
        ctx.report({ message: 'Strings need a `maxLength`, an `enum` or `const`, or a format with an inherent bound (uuid, date, ipv4, ipv6).', location: ctx.location });
      },
    },
  };
}

/** Every integer has a format (int32 or int64), a minimum and a maximum. */
function IntegerBounded() {
  return {
    Schema: {
      enter(schema, ctx) {
        if (!typesOf(schema).includes('integer') || fixed(schema)) return;
        const missing = [
          !INTEGER_FORMATS.has(schema.format) && '`format` (int32 or int64)',
          typeof schema.minimum !== 'number' && typeof schema.exclusiveMinimum !== 'number' && '`minimum`',
          typeof schema.maximum !== 'number' && typeof schema.exclusiveMaximum !== 'number' && '`maximum`',
        ].filter(Boolean);
        if (missing.length) ctx.report({ message: `Integers need ${missing.join(', ')}.`, location: ctx.location });
      },
    },
  };
}

/** Every array has a maxItems. */
function ArrayBounded() {
  return {
    Schema: {
      enter(schema, ctx) {
        if (!typesOf(schema).includes('array') || typeof schema.maxItems === 'number') return;
        ctx.report({ message: 'Arrays need a `maxItems`.', location: ctx.location });
      },
    },
  };
}

/**
 * `x-anchor-availability: reference` marks what this contract describes beyond the live API as
 * far as it is known; Redoc renders the `x-badges` this adds as a badge on the operation.
 */
function AvailabilityBadges() {
  return {
    Operation: {
      leave(operation) {
        if (operation['x-anchor-availability'] !== 'reference') return;
        operation['x-badges'] = [{ name: 'Beyond the live API', color: '#8a5a00' }];
      },
    },
  };
}

export default function anchorRules() {
  return {
    id: 'anchor',
    rules: {
      oas3: {
        'schema-property-documented': SchemaPropertyDocumented,
        'no-inline-object-schema': NoInlineObjectSchema,
        'problem-details-4xx': ProblemDetails4xx,
        'no-null-in-enum': NoNullInEnum,
        'open-enum-shape': OpenEnumShape,
        'operation-summary': OperationSummary,
        'no-hard-wrapped-text': NoHardWrappedText,
        'no-unused-components': NoUnusedComponents,
        'string-bounded': StringBounded,
        'integer-bounded': IntegerBounded,
        'array-bounded': ArrayBounded,
      },
    },
    decorators: {
      oas3: {
        'availability-badges': AvailabilityBadges,
      },
    },
  };
}
