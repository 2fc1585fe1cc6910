import { loadBundle, operationsOf, type OpenApiDocument } from '../spec.js';

/** One operation of the spec with the statuses it documents. */
export type SpecOperation = { operationId: string; method: string; template: string; statuses: string[] };

/** Every operation under `paths`, with its documented response statuses, in document order. */
export function specOperations(doc: OpenApiDocument = loadBundle('full')): SpecOperation[] {
  return operationsOf(doc).map(({ method, path, operation }) => ({
    operationId: String(operation.operationId),
    method: method.toUpperCase(),
    template: path,
    statuses: Object.keys(operation.responses ?? {}),
  }));
}

/** Finds the operation a concrete request belongs to: `POST /v1/webhooks/wh_…/test` → sendWebhookTestEvent. */
export function createOperationMatcher(operations: SpecOperation[]) {
  const routes = operations.map((op) => ({
    op,
    pattern: new RegExp(`^${op.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
  }));
  return (method: string, path: string): SpecOperation | undefined =>
    routes.find((r) => r.op.method === method.toUpperCase() && r.pattern.test(path))?.op;
}
