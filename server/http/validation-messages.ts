import type { components } from '../../generated/schema.js';
import { asSentence } from '../problem.js';

type ValidationIssue = components['schemas']['ValidationIssue'];
type Location = ValidationIssue['location'];
type Schema = Record<string, any>;

/** One schema violation as express-openapi-validator reports it, located in the request. */
export type RawIssue = { location: Location; path: string; keyword: string | undefined; message: string };

/**
 * What the sentences are built from: the operation as the validator matched it (its schemas,
 * dereferenced, with every limit the spec states) and the values the request sent.
 */
export type RequestView = {
  operation?: { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: Array<{ in: string; name: string; schema?: Schema }> };
  body?: unknown;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  pathParams?: Record<string, unknown>;
};

const PARAMETER_IN: Record<Exclude<Location, 'body'>, string> = { query: 'query', path: 'path', header: 'header' };
const ACRONYMS: ReadonlySet<string> = new Set(['url', 'uri', 'id', 'ttl', 'ip', 'api']);
const FORMAT_SENTENCES: Record<string, string> = {
  uri: 'That is not a URL: include the scheme, as in https://example.com/webhooks.',
  'date-time': 'That is not a date and time: use RFC 3339, as in 2026-05-14T09:21:07Z.',
  uuid: 'That is not a UUID, such as 0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e.',
};
/** Enum values listed in a message; longer lists are cut, the schema has them all. */
const MAX_LISTED = 15;
const MAX_QUOTED = 64;

/** `subscribed_events` → `subscribed events`, `url` → `URL`, `webhook_id` → `webhook ID`. */
export function fieldLabel(name: string): string {
  return name
    .split(/[_-]/)
    .filter(Boolean)
    .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word))
    .join(' ');
}

const decode = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const segments = (pointer: string) => pointer.split('/').slice(1).map(decode);

/** The schema of the value at `path`: a JSON Pointer into the body, or a parameter's name. */
export function schemaAt(view: RequestView, location: Location, path: string): Schema | undefined {
  if (location !== 'body') {
    const where = PARAMETER_IN[location];
    const same = (name: string) => (location === 'header' ? name.toLowerCase() === path.toLowerCase() : name === path);
    return view.operation?.parameters?.find((p) => p.in === where && same(p.name))?.schema;
  }
  let schema: Schema | undefined = view.operation?.requestBody?.content?.['application/json']?.schema;
  for (const segment of segments(path)) {
    schema = childSchema(schema, segment);
    if (!schema) return undefined;
  }
  return schema;
}

function childSchema(schema: Schema | undefined, segment: string): Schema | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[segment]) return schema.properties[segment];
  if (/^\d+$/.test(segment) && schema.items && typeof schema.items === 'object') return schema.items;
  for (const member of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    const found = childSchema(member, segment);
    if (found) return found;
  }
  return undefined;
}

export function valueAt(view: RequestView, location: Location, path: string): unknown {
  if (location === 'query') return view.query?.[path];
  if (location === 'path') return view.pathParams?.[path];
  if (location === 'header') return view.headers?.[path.toLowerCase()];
  let value: unknown = view.body;
  for (const segment of segments(path)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** A value as sent, cut short: a message quotes it, never echoes a whole body. */
const quoted = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED - 1)}…`;
};

/**
 * One sentence for one violation: what is wrong and how to fix it, with the limits and allowed
 * values taken from the schema the value broke. Unknown cases fall back to the validator's text.
 */
export function sentenceFor(issue: RawIssue, schema: Schema | undefined, value: unknown): string {
  const name = segments(issue.location === 'body' ? issue.path : `/${issue.path}`).filter((s) => !/^\d+$/.test(s)).at(-1);
  const label = name ? fieldLabel(name) : 'body';
  const s = schema ?? {};
  switch (issue.keyword) {
    case 'required':
      return `Enter the ${label}: it is required.`;
    case 'minLength':
      return value === '' ? `Enter the ${label}.` : `Too short: the ${label} needs at least ${plural(s.minLength, 'character')}.`;
    case 'maxLength':
      return `Too long: the ${label} may have at most ${plural(s.maxLength, 'character')}${typeof value === 'string' ? `, not ${value.length}` : ''}.`;
    case 'format':
      return FORMAT_SENTENCES[s.format] ?? `That is not a valid ${s.format ?? 'value'}.`;
    case 'pattern':
      return `That is not a valid ${label}: it must match ${s.pattern}.`;
    case 'enum': {
      const allowed: unknown[] = s.enum ?? [];
      const listed = allowed.slice(0, MAX_LISTED).join(', ') + (allowed.length > MAX_LISTED ? ', …' : '');
      return `Unknown value ${quoted(value)}: use one of ${listed}.`;
    }
    case 'type': {
      const expected = [s.type].flat().filter((t) => t !== 'null');
      return `Send ${expected.map(article).join(' or ') || 'another type'} here, not ${typeName(value)}.`;
    }
    case 'minItems':
      return s.minItems === 1 ? `Choose at least one ${label.replace(/s$/, '')}.` : `Choose at least ${s.minItems} ${label}.`;
    case 'maxItems':
      return `Choose at most ${s.maxItems} ${label}.`;
    case 'uniqueItems':
      return `Remove the duplicates: each of the ${label} may appear once.`;
    case 'additionalProperties':
      return `Remove ${quoted(name)}: it is not a field of this request.`;
    case 'minProperties':
      return s.minProperties === 1 ? 'Send at least one field to change.' : `Send at least ${s.minProperties} fields.`;
    case 'minimum':
      return `Too small: the ${label} must be at least ${s.minimum}.`;
    case 'maximum':
      return `Too large: the ${label} must be at most ${s.maximum}.`;
    case 'exclusiveMinimum':
      return `Too small: the ${label} must be more than ${s.exclusiveMinimum}.`;
    case 'exclusiveMaximum':
      return `Too large: the ${label} must be less than ${s.exclusiveMaximum}.`;
    default:
      // A parameter the operation does not have: the validator stops at the first one.
      if (issue.location === 'query' && !schema) return `Remove ${quoted(issue.path)}: this operation has no such query parameter.`;
      return asSentence(issue.message);
  }
}

/** The rule code an issue carries: the JSON Schema keyword, or `unknown_parameter`. */
function ruleOf(issue: RawIssue, schema: Schema | undefined): string | undefined {
  if (issue.keyword) return issue.keyword;
  return issue.location === 'query' && !schema ? 'unknown_parameter' : undefined;
}

/**
 * The validator's issues as people read them. An empty string breaks `minLength` and, often,
 * `format` or `pattern` too: only "Enter the …" is kept for it, the rest says nothing new.
 */
export function humanIssues(raw: readonly RawIssue[], view: RequestView): ValidationIssue[] {
  const emptied = new Set(raw.filter((i) => i.keyword === 'minLength' && valueAt(view, i.location, i.path) === '').map((i) => `${i.location} ${i.path}`));
  return raw
    .filter((i) => !emptied.has(`${i.location} ${i.path}`) || i.keyword === 'minLength')
    .map((issue) => {
      const schema = schemaAt(view, issue.location, issue.path);
      const rule = ruleOf(issue, schema);
      return {
        location: issue.location,
        path: issue.path,
        message: sentenceFor(issue, schema, valueAt(view, issue.location, issue.path)),
        ...(rule ? { rule } : {}),
      };
    });
}

/** `url: Enter the URL.`; parameters by name, the whole body as `body`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.location === 'body' ? i.path.slice(1) || 'body' : i.path || i.location}: ${i.message}`).join(' ');
}
