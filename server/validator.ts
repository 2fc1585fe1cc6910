import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
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
