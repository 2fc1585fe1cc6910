import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { OpenApiDocument } from '../spec.js';

export type Validator = {
  /** Route lookup (404, 405) and security (401). */
  before: RequestHandler[];
  /** Request validation (400, 415), then response validation. */
  after: RequestHandler[];
};

export type ValidatorOptions = {
  /** generated/openapi.validation.json: dereferenced, nothing that only documents. */
  apiDoc: OpenApiDocument;
  /** The `api_key_header` scheme's check. */
  authenticate: (req: Request) => boolean;
  validateResponses: boolean;
};

/**
 * express-openapi-validator for one runtime. It compiles each operation's validators on first
 * use and keeps them for the runtime's lifetime. It is split in two so the server's own steps
 * (rate limit, body parsing) run between authentication and request validation.
 */
export function createValidator({ apiDoc, authenticate, validateResponses }: ValidatorOptions): Validator {
  const middlewares = OpenApiValidator.middleware({
    apiSpec: apiDoc as never,
    // Linted by Redocly and checked for drift at generate time; re-validating it costs start-up time.
    validateApiSpec: false,
    // Already dereferenced at generate time: the parser has nothing left to resolve.
    $refParser: { mode: 'dereference' },
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: validateResponses ? { allErrors: false, removeAdditional: false, coerceTypes: false } : false,
    validateSecurity: { handlers: { api_key_header: (req) => authenticate(req) } },
    validateFormats: true,
    ajvFormats: { mode: 'full' },
    fileUploader: false,
    ignoreUndocumented: false,
  }) as unknown as RequestHandler[];
  // The library returns its middlewares in a fixed order, named; the pinned version is tested.
  const split = middlewares.findIndex((mw) => mw.name === 'securityMiddleware');
  if (split < 0) throw new Error('express-openapi-validator: security middleware not found; check the pinned version');
  return { before: middlewares.slice(0, split + 1), after: middlewares.slice(split + 1) };
}
