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

export default function anchorRules() {
  return {
    id: 'anchor',
    rules: {
      oas3: {
        'schema-property-documented': SchemaPropertyDocumented,
        'no-inline-object-schema': NoInlineObjectSchema,
        'problem-details-4xx': ProblemDetails4xx,
      },
    },
  };
}
