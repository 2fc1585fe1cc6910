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
      },
    },
  };
}
