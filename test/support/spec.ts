import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export type OpenApiDocument = {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, any>>;
  webhooks: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
  [key: string]: unknown;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function loadBundle(which: 'full' | 'public' = 'full'): OpenApiDocument {
  const file = which === 'full' ? 'generated/openapi.json' : 'generated/openapi.public.json';
  return JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
}

/** generated/openapi.validation.json: what the server's validator loads, its response schemas closed. */
export function loadValidationView(): OpenApiDocument {
  return JSON.parse(readFileSync(new URL('../../generated/openapi.validation.json', import.meta.url), 'utf8'));
}

export type OperationRef = { method: string; path: string; operation: Record<string, any> };

/** Every operation under `paths`, in document order. */
export function operationsOf(doc: OpenApiDocument): OperationRef[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({ method, path, operation: item[method] })),
  );
}
