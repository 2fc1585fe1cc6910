import { readFileSync } from 'node:fs';
import type { components } from '../generated/schema.js';

/**
 * The contract as files under generated/ (`npm run generate`). They are read by whoever owns
 * their lifetime (the runtime), not at import: `keys` and `listen` never load them.
 * Small derived values (limits, codes, operations) are in generated/contract.ts.
 */
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  webhooks: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
  [key: string]: unknown;
};

const GENERATED = new URL('../generated/', import.meta.url);

export const SPEC_FILES = {
  /** The full bundle, internal operations included: the event catalog's schemas. */
  full: new URL('openapi.json', GENERATED),
  /** What `/openapi.json` serves. */
  public: new URL('openapi.public.json', GENERATED),
  /** What `/openapi.3.0.json` serves: the public bundle down-converted to OpenAPI 3.0.3, for generators that read only 3.0. */
  public30: new URL('openapi.public.3.0.json', GENERATED),
  /** What express-openapi-validator loads (see openapi/scripts/derive-contract.mjs). */
  validation: new URL('openapi.validation.json', GENERATED),
} as const;

export function readSpec(which: keyof typeof SPEC_FILES): OpenApiDocument {
  return JSON.parse(readFileSync(SPEC_FILES[which], 'utf8')) as OpenApiDocument;
}

export type ProblemCode = components['schemas']['ProblemCode'];
export type EventTypeInfo = components['schemas']['WebhookEventTypeInfo'];
