// What the server and the dashboard need from the spec, derived once by `npm run generate`:
//   generated/contract.ts           limits, page sizes, enums, the problem-code table, the operations
//                                   and the event catalog's list, as plain data (browser-safe);
//   generated/openapi.validation.json  the document express-openapi-validator loads: `paths` fully
//                                   dereferenced, without documentation, `webhooks` or schemas,
//                                   with every response object closed (unevaluatedProperties).
// Every value is read from a structured place in the bundle; a missing one fails the generate.

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function required(value, where) {
  if (value === undefined || value === null) throw new Error(`derive-contract: ${where} is missing from the bundle`);
  return value;
}

const refTarget = (doc, ref) =>
  ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], doc);

const deref = (doc, node) => (node && typeof node.$ref === 'string' ? deref(doc, refTarget(doc, node.$ref)) : node);

/** The plain-data contract module, as TypeScript source. */
export function contractModule(full) {
  const { schemas, parameters } = full.components;
  const limit = required(parameters.Limit?.schema, 'components.parameters.Limit.schema');
  const offset = required(parameters.Offset?.schema, 'components.parameters.Offset.schema');
  const ttl = required(schemas.RotateWebhookSecretRequest?.properties?.previous_secret_ttl_seconds, 'RotateWebhookSecretRequest.previous_secret_ttl_seconds');
  const url = required(schemas.WebhookUrl, 'WebhookUrl');
  const problem = required(schemas.Problem?.properties, 'Problem.properties');
  const issue = required(schemas.ValidationIssue?.properties, 'ValidationIssue.properties');
  const retryAfter = required(full.components.headers?.RetryAfter?.schema, 'components.headers.RetryAfter.schema');

  const problemTable = required(schemas.ProblemCode?.['x-problem-codes'], 'ProblemCode.x-problem-codes');
  const problemCodes = Object.fromEntries(
    required(schemas.ProblemCode['x-extensible-enum'], 'ProblemCode.x-extensible-enum').map((code) => {
      const entry = required(problemTable[code], `ProblemCode.x-problem-codes.${code}`);
      return [code, { status: required(entry.status, `x-problem-codes.${code}.status`), title: required(entry.title, `x-problem-codes.${code}.title`) }];
    }),
  );

  const operations = Object.entries(full.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({
      method: method.toUpperCase(),
      path,
      operationId: required(item[method].operationId, `${method} ${path} operationId`),
      hasRequestBody: Boolean(item[method].requestBody),
    })),
  );

  const queryParameters = new Set();
  for (const item of Object.values(full.paths)) {
    for (const op of [item, ...HTTP_METHODS.map((m) => item[m])]) {
      for (const parameter of op?.parameters ?? []) {
        const resolved = deref(full, parameter);
        if (resolved?.in === 'query') queryParameters.add(String(resolved.name));
      }
    }
  }

  const eventTypes = Object.entries(full.webhooks).map(([type, item]) => {
    const post = required(item.post, `webhooks.${type}.post`);
    const ref = required(post.requestBody?.content?.['application/json']?.schema?.$ref, `webhooks.${type} request body $ref`);
    return {
      type,
      resource: type.split('.')[0],
      // The first paragraph of the description, on one line.
      description: (post.description ?? '').trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim(),
      payload_schema: ref.slice(ref.lastIndexOf('/') + 1),
    };
  });

  const values = {
    webhookLimit: required(schemas.WebhookList?.properties?.items?.maxItems, 'WebhookList.items.maxItems'),
    webhookUrlLength: { min: required(url.minLength, 'WebhookUrl.minLength'), max: required(url.maxLength, 'WebhookUrl.maxLength') },
    descriptionMaxLength: required(schemas.WebhookDescription?.maxLength, 'WebhookDescription.maxLength'),
    deliveryLogPage: {
      limit: { default: required(limit.default, 'Limit.default'), min: required(limit.minimum, 'Limit.minimum'), max: required(limit.maximum, 'Limit.maximum') },
      offset: { default: required(offset.default, 'Offset.default') },
    },
    previousSecretTtlSeconds: { default: required(ttl.default, 'previous_secret_ttl_seconds.default'), max: required(ttl.maximum, 'previous_secret_ttl_seconds.maximum') },
    deliveryStatuses: required(schemas.DeliveryStatus?.enum, 'DeliveryStatus.enum'),
    problemBounds: {
      detail: required(problem.detail?.maxLength, 'Problem.detail.maxLength'),
      instance: required(problem.instance?.maxLength, 'Problem.instance.maxLength'),
      errors: required(problem.errors?.maxItems, 'Problem.errors.maxItems'),
      issuePath: required(issue.path?.maxLength, 'ValidationIssue.path.maxLength'),
      issueMessage: required(issue.message?.maxLength, 'ValidationIssue.message.maxLength'),
    },
    attemptsShown: required(schemas.DeliveryBodyAndAttempts?.properties?.attempts?.maxItems, 'DeliveryBodyAndAttempts.attempts.maxItems'),
    retryAfterSeconds: { min: required(retryAfter.minimum, 'RetryAfter.minimum'), max: required(retryAfter.maximum, 'RetryAfter.maximum') },
    problemCodes,
    operations,
    documentedQueryParameters: [...queryParameters].sort(),
    eventTypes,
  };
  const docs = {
    webhookLimit: 'The most live webhooks a project may have: `WebhookList.items.maxItems`.',
    webhookUrlLength: '`WebhookUrl` length bounds.',
    descriptionMaxLength: '`WebhookDescription.maxLength`.',
    deliveryLogPage: 'The delivery log\'s `limit` and `offset` query parameters.',
    previousSecretTtlSeconds: 'How long a rotated-out secret stays valid: `previous_secret_ttl_seconds`.',
    deliveryStatuses: '`DeliveryStatus`, in spec order.',
    problemBounds: 'The longest `detail`, `instance` and `errors` of a `Problem`, and of a `ValidationIssue`\'s `path` and `message`.',
    attemptsShown: 'How many attempts a delivery shows at most: `DeliveryBodyAndAttempts.attempts.maxItems`.',
    retryAfterSeconds: 'The bounds of a `Retry-After` header.',
    problemCodes: 'Each `ProblemCode` with its HTTP status and title (`x-problem-codes`).',
    operations: 'Every operation under `paths`, in document order.',
    documentedQueryParameters: 'Every query parameter some operation documents.',
    eventTypes: 'The event catalog: one entry per `webhooks` key, in document order.',
  };
  const body = Object.entries(values)
    .map(([name, value]) => `/** ${docs[name]} */\nexport const ${name} = ${JSON.stringify(value, null, 2)} as const;\n`)
    .join('\n');
  return `// Generated by \`npm run generate\` from openapi/ (openapi/scripts/derive-contract.mjs). Do not edit.\n\n${body}`;
}

/** Maps whose keys are names (a property, a path, a status), not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas', 'schemas', 'paths', 'responses', 'parameters', 'headers', 'content', 'securitySchemes', 'requestBodies', 'callbacks', 'links', 'mapping', 'examples']);
/** Keywords that only document. */
const DOC_KEYWORDS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'tags']);

function strip(value, keysAreNames) {
  if (Array.isArray(value)) return value.map((item) => strip(item, false));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    // `x-eov-*` extensions configure the validator; other `x-` ones only document.
    if (!keysAreNames && (DOC_KEYWORDS.has(key) || (key.startsWith('x-') && !key.startsWith('x-eov-')))) continue;
    out[key] = strip(child, !keysAreNames && NAME_MAPS.has(key));
  }
  return out;
}

/** A schema that describes a JSON object (its own properties, or a composition of objects). */
const describesObject = (schema) =>
  [].concat(schema.type ?? []).includes('object') || Boolean(schema.properties || schema.allOf || schema.oneOf || schema.anyOf);

/**
 * The closed form of a response schema: every object that does not say what its other properties
 * may be gets `unevaluatedProperties: false`, so an undocumented field fails validation. The
 * members of `allOf`, `oneOf` and `anyOf` are left open at their top (their parent closes over
 * what all of them evaluate); everything nested inside them is closed too. `additionalProperties`
 * (a free-form map, `output`'s `true`) is kept as the contract says.
 */
export function closeSchema(schema, member = false) {
  if (Array.isArray(schema)) return schema.map((item) => closeSchema(item));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = { ...schema };
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([name, sub]) => [name, closeSchema(sub)]));
  if (out.items) out.items = closeSchema(out.items);
  if (out.prefixItems) out.prefixItems = closeSchema(out.prefixItems);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out.additionalProperties = closeSchema(out.additionalProperties);
  for (const key of ['allOf', 'oneOf', 'anyOf']) if (out[key]) out[key] = out[key].map((sub) => closeSchema(sub, true));
  if (!member && describesObject(out) && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) out.unevaluatedProperties = false;
  return out;
}

/** Every response body schema of every operation, closed (see `closeSchema`); requests as they are. */
function closeResponses(paths) {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, op]) => {
          if (!HTTP_METHODS.includes(method) || !op.responses) return [method, op];
          const responses = Object.fromEntries(
            Object.entries(op.responses).map(([status, response]) => {
              if (!response.content) return [status, response];
              const content = Object.fromEntries(Object.entries(response.content).map(([type, media]) => [type, media.schema ? { ...media, schema: closeSchema(media.schema) } : media]));
              return [status, { ...response, content }];
            }),
          );
          return [method, { ...op, responses }];
        }),
      ),
    ]),
  );
}

/**
 * The validator's document, from the fully dereferenced bundle: `paths` and the security schemes,
 * nothing that only documents. express-openapi-validator compiles each operation's schemas with
 * the document attached and Ajv walks all of it per compile; with nothing left to refer to,
 * `components.schemas` and `webhooks` need not be there at all.
 *
 * Its response schemas are closed (`closeSchema`): the server checks its own answers strictly,
 * so a field the contract does not document (a leaked `secret`) is a 500 in every test that
 * meets it, while the published bundles stay open for clients to tolerate additions.
 */
export function validationView(dereferenced) {
  const { openapi, info, servers, security, paths, components } = dereferenced;
  const view = strip({ openapi, info: { title: info.title, version: info.version }, servers, security, paths, components: { securitySchemes: components.securitySchemes } }, false);
  return { ...view, paths: closeResponses(view.paths) };
}
