import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import traverse from 'json-schema-traverse';
import { authenticate } from './auth.js';
import { fullSpec } from './spec.js';
import { validationView } from './validator-spec.js';

export type Validator = {
  /** Route lookup (404, 405) and security (401). */
  before: RequestHandler[];
  /** Request validation (400, 415), then response validation. */
  after: RequestHandler[];
};

const validators = new Map<boolean, Validator>();

/**
 * express-openapi-validator on the full bundle, one instance per process (per response
 * validation setting): it compiles a validator per operation on first use and keeps it,
 * so every app in the process (tests start many) shares the compiled schemas. Nothing in
 * it is app-specific: the security handler asks the serving app for its key check.
 *
 * It is split in two so the server's own steps (rate limit, body parsing) run between
 * authentication and request validation.
 */
export function sharedValidator(validateResponses: boolean): Validator {
  const existing = validators.get(validateResponses);
  if (existing) return existing;
  skipSpecMapsInAjvWalks();
  const middlewares = OpenApiValidator.middleware({
    // Only what validation needs: smaller schemas to compile at start-up (see validationView).
    apiSpec: validationView(fullSpec) as never,
    // The bundle is linted by Redocly and checked for drift in CI; re-validating it costs start-up time.
    validateApiSpec: false,
    // The bundle has no circular $ref. Dereferenced, the validator resolves no parameter or
    // schema $ref per request, and compiles its schemas faster at start-up.
    $refParser: { mode: 'dereference' },
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: validateResponses ? { allErrors: false, removeAdditional: false, coerceTypes: false } : false,
    validateSecurity: { handlers: { api_key_header: (req) => authenticate(req) } },
    validateFormats: true,
    ajvFormats: { mode: 'full' },
    fileUploader: false,
    ignoreUndocumented: false,
  }) as unknown as RequestHandler[];
  const split = middlewares.findIndex((mw) => mw.name === 'securityMiddleware');
  if (split < 0) throw new Error('express-openapi-validator: security middleware not found; check the pinned version');
  const validator = { before: middlewares.slice(0, split + 1), after: middlewares.slice(split + 1) };
  validators.set(validateResponses, validator);
  return validator;
}

/**
 * express-openapi-validator compiles every operation's request and response schema with the
 * whole (dereferenced) `paths` and `components` attached, and before each compile Ajv walks
 * every key of the schema with json-schema-traverse looking for `$id`s and anchors: a walk of
 * the whole API per schema, about a fifth of the start-up warm-up. `paths` and `components`
 * are never JSON Schema keywords and, dereferenced, nothing refers into them, so the walk may
 * skip them. `skipKeywords` is json-schema-traverse's own table of keys not to descend into
 * (the one copy in node_modules, the one Ajv requires; in dist/server, the one bundled with Ajv).
 * Property *names* `paths` or `components` (under `properties`) are still walked: the table
 * applies to keyword positions only.
 */
function skipSpecMapsInAjvWalks(): void {
  const { skipKeywords } = traverse as unknown as { skipKeywords?: Record<string, boolean> };
  if (!skipKeywords) throw new Error('json-schema-traverse: skipKeywords not found; check the pinned version');
  skipKeywords.paths = true;
  skipKeywords.components = true;
}
