import type { RequestHandler } from 'express';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// CommonJS packages: under NodeNext their classes sit on `.default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

type MediaType = { schema?: object };
type SpecResponse = { content?: Record<string, MediaType> };
/** What express-openapi-validator's metadata middleware leaves on the request: the matched operation, dereferenced. */
type OpenApiRequest = { openapi?: { schema?: { responses?: Record<string, SpecResponse> } } };

/** A response that breaks the spec: the problem mapper answers 500 internal_error and logs it. */
export class ResponseValidationError extends Error {
  readonly status = 500;
  constructor(
    message: string,
    readonly errors: unknown[] = [],
  ) {
    super(message);
    this.name = 'ResponseValidationError';
  }
}

/**
 * Validates every JSON response of a spec operation against the spec, as express-openapi-validator's
 * own response validation does (same Ajv 2020 options and formats), but compiles each schema once
 * per process: the library compiles one validator per operation, request content type and
 * status, so the shared Problem schema was compiled some sixty times at start-up. The spec is
 * dereferenced, so one component is one object wherever it is used: the cache is keyed by it.
 * Runs after request validation; 5xx bodies are not checked (they are our own problem bodies).
 */
export function responseValidator(): RequestHandler {
  const ajv = new Ajv2020({ strict: false, strictNumbers: true, strictTuples: true, allowUnionTypes: false, validateSchema: false, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  addFormats(ajv, { mode: 'full' });
  const compiled = new Map<object, ValidateFunction>();
  const validatorFor = (schema: object): ValidateFunction => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    return validate;
  };

  /** Every schema of an operation's responses, on its first request (as the library did), so an error status seen later does not compile then. */
  const prepared = new WeakSet<object>();
  const prepare = (responses: Record<string, SpecResponse>): void => {
    if (prepared.has(responses)) return;
    for (const response of Object.values(responses)) for (const media of Object.values(response.content ?? {})) if (media.schema) validatorFor(media.schema);
    prepared.add(responses);
  };

  /** Undefined when `body` is what the spec allows for this status, else the error. */
  const check = (responses: Record<string, SpecResponse>, status: number, contentType: string | undefined, body: unknown): ResponseValidationError | undefined => {
    const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!response) return new ResponseValidationError(`no schema defined for status code '${status}' in the openapi spec`);
    const media = Object.keys(response.content ?? {});
    if (media.length === 0) return body === undefined ? undefined : new ResponseValidationError('response should NOT have a body');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    const schema = response.content?.[mediaType && media.includes(mediaType) ? mediaType : media[0]!]?.schema;
    if (!schema) return undefined;
    if (body === undefined || body === null) return new ResponseValidationError('response body required.');
    const validate = validatorFor(schema);
    return validate(body) ? undefined : new ResponseValidationError(ajv.errorsText(validate.errors, { dataVar: 'response' }), validate.errors ?? []);
  };

  return (req, res, next) => {
    const responses = (req as OpenApiRequest).openapi?.schema?.responses;
    if (!responses) return next();
    prepare(responses);
    const json = res.json;
    res.json = function validatedJson(body: unknown) {
      res.json = json;
      if (res.headersSent || res.statusCode >= 500) return json.call(this, body);
      const header = res.getHeader('content-type');
      const error = check(responses, res.statusCode, typeof header === 'string' ? header : undefined, body);
      if (error) {
        next(error);
        return res;
      }
      return json.call(this, body);
    };
    next();
  };
}
