import type { Middleware } from 'openapi-fetch';
import { createBundleValidator, pointerSegment } from './ajv.js';
import { loadBundle, loadValidationView } from './spec.js';

/**
 * Checks real responses against the spec, independently of the server's own response
 * validator: the status must be documented for the operation, the content type must be
 * one the response lists, the body must validate (Ajv, JSON Schema 2020-12), it must hold
 * no field the spec does not document (the closed response schemas of
 * generated/openapi.validation.json), and every header the spec marks `required` must be
 * present.
 */
const bundle = loadBundle('full');
const validator = createBundleValidator(bundle);
const closedView = loadValidationView();
const closedValidator = createBundleValidator(closedView);

const templates = Object.keys(bundle.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}/?$`),
}));

/** The spec path template a concrete path belongs to, e.g. /v1/webhooks/wh_… → /v1/webhooks/{webhook_id}. */
export function pathTemplateOf(path: string): string | undefined {
  return templates.find((t) => t.pattern.test(path))?.template;
}

export type ResponseFacts = { method: string; template: string; status: number; contentType: string | null; headers: Headers; bodyText: string };

/** Everything wrong with one response, as messages; empty when it matches the contract. */
export function contractViolations({ method, template, status, contentType, headers, bodyText }: ResponseFacts): string[] {
  const where = `${method.toUpperCase()} ${template} → ${status}`;
  const operation = bundle.paths[template]?.[method.toLowerCase()];
  if (!operation) return [`${where}: no such operation in the spec`];
  let pointer = `/paths/${pointerSegment(template)}/${method.toLowerCase()}/responses/${status}`;
  let response = operation.responses?.[String(status)];
  if (!response) return [`${where}: status ${status} is not documented`];
  if (typeof response.$ref === 'string') {
    pointer = response.$ref.slice(1);
    response = resolvePointer(pointer);
  }
  const problems: string[] = [];
  for (const [name, raw] of Object.entries<any>(response.headers ?? {})) {
    const header = typeof raw.$ref === 'string' ? resolvePointer(raw.$ref.slice(1)) : raw;
    if (header.required && !headers.has(name)) problems.push(`${where}: header ${name} is missing`);
  }
  const media = Object.keys(response.content ?? {});
  if (media.length === 0) {
    if (bodyText !== '') problems.push(`${where}: the response documents no body but got ${JSON.stringify(bodyText.slice(0, 80))}`);
    return problems;
  }
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!media.includes(type)) return [...problems, `${where}: content type ${JSON.stringify(contentType)} is not one of ${media.join(', ')}`];
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return [...problems, `${where}: the body is not JSON: ${JSON.stringify(bodyText.slice(0, 80))}`];
  }
  const validate = validator.at(`${pointer}/content/${pointerSegment(type)}/schema`);
  if (!validate(body)) problems.push(`${where}: the body breaks the schema: ${validator.errorsText(validate)}`);
  else {
    const closed = closedValidator.at(`/paths/${pointerSegment(template)}/${method.toLowerCase()}/responses/${status}/content/${pointerSegment(type)}/schema`);
    if (!closed(body)) problems.push(`${where}: the body has a field the spec does not document: ${closedValidator.errorsText(closed)}`);
  }
  const declaredStatus = (body as { status?: unknown }).status;
  if (type === 'application/problem+json' && declaredStatus !== status) problems.push(`${where}: problem.status is ${String(declaredStatus)}`);
  return problems;
}

function resolvePointer(pointer: string): any {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => node?.[key], bundle);
}

/**
 * openapi-fetch middleware: every response is checked with `contractViolations`. A
 * violation is recorded in `violations` and thrown, so the calling test fails.
 * `seen` collects `METHOD /template status` of every response, for coverage checks.
 */
export function contractMiddleware(violations: string[], seen?: Set<string>): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      seen?.add(`${request.method} ${schemaPath} ${response.status}`);
      const problems = contractViolations({
        method: request.method,
        template: schemaPath,
        status: response.status,
        contentType: response.headers.get('content-type'),
        headers: response.headers,
        bodyText: await response.clone().text(),
      });
      if (problems.length > 0) {
        violations.push(...problems);
        throw new Error(`Contract violation:\n  ${problems.join('\n  ')}`);
      }
      return response;
    },
  };
}
