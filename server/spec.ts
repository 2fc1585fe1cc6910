import { readFileSync } from 'node:fs';
import type { components } from '../generated/schema.js';

/**
 * The contract, read once at module load. The server takes its routes, rules and
 * event catalog from here at run time instead of restating them.
 */
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  webhooks: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
  [key: string]: unknown;
};

export const FULL_SPEC_FILE = new URL('../generated/openapi.json', import.meta.url);
export const PUBLIC_SPEC_FILE = new URL('../generated/openapi.public.json', import.meta.url);

/** The full bundle (internal operations included). Treat as read-only; clone before handing it to a library that mutates. */
export const fullSpec: OpenApiDocument = JSON.parse(readFileSync(FULL_SPEC_FILE, 'utf8'));

export type ProblemCode = components['schemas']['ProblemCode'];
export type EventTypeInfo = components['schemas']['WebhookEventTypeInfo'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type SpecOperation = { method: string; path: string; operationId: string; hasRequestBody: boolean };

/** Every operation under `paths`, in document order. */
export const specOperations: readonly SpecOperation[] = Object.entries(fullSpec.paths).flatMap(([path, item]) =>
  HTTP_METHODS.filter((m) => item[m]).map((method) => ({
    method: method.toUpperCase(),
    path,
    operationId: String(item[method].operationId),
    hasRequestBody: Boolean(item[method].requestBody),
  })),
);

/** Every query parameter name some operation documents (the access log keeps only their values). */
export const documentedQueryParameters: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  const resolve = (p: any) => (typeof p?.$ref === 'string' ? fullSpec.components.parameters?.[p.$ref.split('/').pop()] : p);
  for (const item of Object.values(fullSpec.paths)) {
    for (const op of [item, ...HTTP_METHODS.map((m) => item[m])]) {
      for (const parameter of op?.parameters ?? []) {
        const resolved = resolve(parameter);
        if (resolved?.in === 'query') names.add(String(resolved.name));
      }
    }
  }
  return names;
})();

/** Status of each problem code, read from the table in the `ProblemCode` description. */
export const problemStatus: Readonly<Record<ProblemCode, number>> = (() => {
  const schema = fullSpec.components.schemas?.ProblemCode as { enum: ProblemCode[]; description: string };
  const rows = new Map<string, number>();
  for (const match of schema.description.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)) rows.set(match[1]!, Number(match[2]));
  const table = {} as Record<ProblemCode, number>;
  for (const code of schema.enum) {
    const status = rows.get(code);
    if (!status) throw new Error(`ProblemCode ${code} has no status in the spec's ProblemCode table`);
    table[code] = status;
  }
  return table;
})();

/** The most webhooks a project may have: `WebhookList.items.maxItems`. */
export const webhookLimit: number = (() => {
  const max = fullSpec.components.schemas?.WebhookList?.properties?.items?.maxItems;
  if (!Number.isInteger(max)) throw new Error('WebhookList.items.maxItems is missing from the spec');
  return max as number;
})();

/** How long the previous secret stays valid after a rotation by default: `previous_secret_ttl_seconds`'s default. */
export const defaultPreviousSecretTtlSeconds: number = (() => {
  const value = fullSpec.components.schemas?.RotateWebhookSecretRequest?.properties?.previous_secret_ttl_seconds?.default;
  if (!Number.isInteger(value)) throw new Error('RotateWebhookSecretRequest.previous_secret_ttl_seconds has no default in the spec');
  return value as number;
})();

/** The event catalog, from the spec's `webhooks` object, in document order. */
export const eventCatalog: readonly EventTypeInfo[] = Object.entries(fullSpec.webhooks).map(([type, item]) => {
  const post = item.post as { description?: string; requestBody: { content: Record<string, { schema: { $ref?: string } }> } };
  const ref = post.requestBody.content['application/json']?.schema.$ref ?? '';
  return {
    type: type as EventTypeInfo['type'],
    resource: type.split('.')[0] as EventTypeInfo['resource'],
    description: (post.description ?? '').trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim(),
    payload_schema: ref.slice(ref.lastIndexOf('/') + 1),
  };
});
