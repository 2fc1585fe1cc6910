import { fullSpec } from '../spec.js';

/** URL length limits, read from the contract's `WebhookUrl` schema rather than restated. */
type WebhookUrlSchema = { minLength?: unknown; maxLength?: unknown };

const schema: WebhookUrlSchema = fullSpec.components.schemas?.WebhookUrl ?? {};

function integer(value: unknown, name: string): number {
  if (!Number.isInteger(value)) throw new Error(`WebhookUrl.${name} is missing from generated/openapi.json`);
  return value as number;
}

export const MIN_URL_LENGTH = integer(schema.minLength, 'minLength');
export const MAX_URL_LENGTH = integer(schema.maxLength, 'maxLength');
