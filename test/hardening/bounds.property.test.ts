/**
 * Every bound the spec states is enforced (issue 14 §4, OWASP API4). For every operation, each
 * bounded parameter, header and body field (and, for publishEvent, each bounded field of every
 * event type's `data`) gets a value just past its bound — one character, item or unit too many
 * or too few, a value outside its enum — inside an otherwise valid request drawn by fast-check
 * from the spec. Each answers 400 `validation_failed` naming that value, never a 5xx; the value
 * exactly at the bound is not refused for it. The probes come from the bundle, not from a list
 * here: a new bounded field is probed as soon as the spec has it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle, operationsOf } from '../support/spec.js';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';
import { arbitraryFor } from './support/schema-arbitrary.js';

type Schema = Record<string, any>;
const spec = loadBundle('full');
const resolve = (node: Schema): Schema =>
  typeof node?.$ref === 'string' ? resolve(node.$ref.slice(2).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((n: any, k: string) => n[k], spec)) : node;

/** A string of `length` characters that is otherwise what the schema's format asks for. */
function stringOf(schema: Schema, length: number): string | undefined {
  if (schema.pattern) return undefined; // no filler can keep an id pattern at another length
  if (schema.format === 'date-time') return length < 24 ? undefined : `2026-05-14T09:21:07.${'1'.repeat(length - 21)}Z`;
  if (schema.format === 'hostname') {
    // Labels of at most 63 characters, as a host name has.
    const labels = Array.from({ length: Math.ceil(length / 64) }, (_, i) => 'a'.repeat(Math.min(63, length - i * 64)));
    return labels.at(-1) === '' ? undefined : labels.join('.');
  }
  if (schema.format === 'uri') {
    const base = 'https://hooks.anchor-customer.io/';
    return length < base.length ? undefined : base + 'a'.repeat(length - base.length);
  }
  return 'a'.repeat(length);
}

type Probe = { bound: string; past: unknown; at?: unknown };

/** A reference to one of the opaque id schemas (WebhookId, DeliveryId…). */
const isId = (schema: Schema) => typeof schema?.$ref === 'string' && /Id$/.test(schema.$ref);

/** Values just past each bound of one (resolved) schema, and, where one can be written, the value at it. */
function probesOf(raw: Schema): Probe[] {
  const schema = resolve(raw);
  const types: string[] = [].concat(schema.type ?? []);
  const probes: Probe[] = [];
  if (Array.isArray(schema.enum) && schema.enum.every((v: unknown) => typeof v === 'string')) probes.push({ bound: 'enum', past: `${schema.enum[0]}.not-in-enum`, at: schema.enum.at(-1) });
  if (types.includes('string') && !schema.enum) {
    if (typeof schema.maxLength === 'number') {
      const past = stringOf(schema, schema.maxLength + 1) ?? `${'9'.repeat(schema.maxLength + 1)}`;
      probes.push({ bound: `maxLength ${schema.maxLength}`, past, at: stringOf(schema, schema.maxLength) });
    }
    if (schema.minLength > 0) probes.push({ bound: `minLength ${schema.minLength}`, past: 'a'.repeat(schema.minLength - 1) });
  }
  if (types.includes('integer')) {
    if (typeof schema.maximum === 'number') probes.push({ bound: `maximum ${schema.maximum}`, past: schema.maximum + 1, at: schema.maximum });
    if (typeof schema.minimum === 'number') probes.push({ bound: `minimum ${schema.minimum}`, past: schema.minimum - 1, at: schema.minimum });
  }
  if (types.includes('array')) {
    const items = resolve(schema.items ?? {});
    const pool: unknown[] = items.enum ?? ['x'];
    const take = (n: number) => Array.from({ length: n }, (_, i) => pool[i % pool.length]);
    if (typeof schema.maxItems === 'number') probes.push({ bound: `maxItems ${schema.maxItems}`, past: take(schema.maxItems + 1), at: pool.length >= schema.maxItems ? take(schema.maxItems) : undefined });
    if (schema.minItems > 0) probes.push({ bound: `minItems ${schema.minItems}`, past: [] });
    for (const probe of probesOf(items)) probes.push({ bound: `items ${probe.bound}`, past: [probe.past] });
  }
  return probes;
}

/** Every bounded field of an object schema, as a JSON pointer, with its probes. */
function fieldProbes(raw: Schema, pointer = ''): Array<{ pointer: string; probe: Probe }> {
  const schema = resolve(raw);
  return Object.entries<Schema>(schema.properties ?? {}).flatMap(([name, sub]) => {
    const here = `${pointer}/${name}`;
    const resolved = resolve(sub);
    if (resolved.properties) return fieldProbes(resolved, here);
    return probesOf(sub).map((probe) => ({ pointer: here, probe }));
  });
}

const setAt = (value: Record<string, unknown>, pointer: string, to: unknown): Record<string, unknown> => {
  const [head, ...rest] = pointer.slice(1).split('/');
  if (rest.length === 0) return { ...value, [head!]: to };
  return { ...value, [head!]: setAt((value[head!] ?? {}) as Record<string, unknown>, `/${rest.join('/')}`, to) };
};

type Where = { in: 'query' | 'path' | 'header' | 'body'; name: string };
type Case = { operationId: string; method: string; template: string; where: Where; probe: Probe; body?: fc.Arbitrary<Record<string, unknown>> };

const cases: Case[] = operationsOf(spec).flatMap(({ method, path, operation }) => {
  const parameters = [...(spec.paths[path]!.parameters ?? []), ...(operation.parameters ?? [])].map(resolve);
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  // publishEvent's `data` is checked against the type's payload schema by the server: its body
  // is drawn without `data`, and `data` is probed per event type below.
  const body = bodySchema && (operation.operationId === 'publishEvent' ? fc.constantFrom(...Object.keys(spec.webhooks)).map((type) => ({ type })) : (arbitraryFor(spec, bodySchema) as fc.Arbitrary<Record<string, unknown>>));
  const base = { operationId: operation.operationId as string, method: method.toUpperCase(), template: path, ...(body ? { body } : {}) };
  const fromParameters = parameters.flatMap((p) =>
    probesOf(p.schema)
      // An empty path segment is another route (…/events/ is the list), not this operation.
      .filter((probe) => !(p.in === 'path' && probe.bound.startsWith('minLength')))
      // An id at its longest is a well-formed id of nothing: refused as unknown, not for its length.
      .map((probe) => (isId(p.schema) ? { ...probe, at: undefined } : probe))
      .map((probe): Case => ({ ...base, where: { in: p.in, name: p.name }, probe })),
  );
  const fromBody = bodySchema ? fieldProbes(bodySchema).map(({ pointer, probe }): Case => ({ ...base, where: { in: 'body', name: pointer }, probe })) : [];
  return [...fromParameters, ...fromBody];
});

/** publishEvent: one bounded field of one event type's `data`, in that type's example data. */
const dataCases: Case[] = Object.entries(spec.webhooks).flatMap(([type, item]) => {
  const event = resolve(item.post.requestBody.content['application/json'].schema);
  const example = Object.values<any>(item.post.requestBody.content['application/json'].examples)[0].value.data;
  return fieldProbes(event.properties.data).map(({ pointer, probe }): Case => ({
    operationId: 'publishEvent',
    method: 'POST',
    template: '/v1/events',
    where: { in: 'body', name: `/data${pointer}` },
    probe,
    body: fc.constant({ type, data: example }),
  }));
});

let t: TestApp;
let ids: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp();
  const webhook = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!;
  const queued = (await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhook.id } }, body: { event_type: 'task.completed' } })).data!;
  ids = { webhook_id: webhook.id, delivery_id: queued.delivery_id };
});
afterAll(async () => {
  await t?.close();
});

async function send(c: Case, value: unknown, body: Record<string, unknown> | undefined) {
  const path = c.template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(c.where.in === 'path' && c.where.name === name ? String(value) : ids[name]!));
  const query = c.where.in === 'query' ? `?${c.where.name}=${encodeURIComponent(String(value))}` : '';
  const headers: Record<string, string> = { 'anchor-api-key': t.apiKey };
  if (c.where.in === 'header') headers[c.where.name] = String(value);
  const sent = c.where.in === 'body' ? setAt(body ?? {}, c.where.name, value) : body;
  if (sent !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.baseUrl}${path}${query}`, { method: c.method, headers, ...(sent !== undefined ? { body: JSON.stringify(sent) } : {}) });
  return { status: res.status, problem: (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : undefined };
}

/** Whether an answer is a validation failure about this very value. */
function names(c: Case, problem: { code?: string; errors?: Array<{ location: string; path: string }> } | undefined): boolean {
  if (problem?.code !== 'validation_failed') return false;
  const location = c.where.in;
  return (problem.errors ?? []).some((e) => e.location === location && (location === 'body' ? e.path === c.where.name || e.path.startsWith(`${c.where.name}/`) : e.path.toLowerCase() === c.where.name.toLowerCase()));
}

const all = [...cases, ...dataCases];

describe('bounds', () => {
  it('are probed on every operation, in parameters, headers, bodies and event data', () => {
    // Every operation that takes a parameter or a body (listWebhooks, listWebhookEventTypes and
    // getServerInfo take none: an unknown query parameter is refused, as shared-statuses tests).
    const probed = new Set(all.map((c) => c.operationId));
    const withInput = operationsOf(spec).filter(({ path, operation }) => operation.requestBody || operation.parameters?.length || spec.paths[path]!.parameters?.length);
    expect([...probed].sort()).toEqual(withInput.map(({ operation }) => operation.operationId).sort());
    expect(probed.size).toBeGreaterThanOrEqual(operationsOf(spec).length - 3);
    for (const where of ['query', 'path', 'header', 'body'] as const) expect(all.some((c) => c.where.in === where), where).toBe(true);
    expect(dataCases.length).toBeGreaterThan(30);
    expect(all.filter((c) => c.probe.at !== undefined).length).toBeGreaterThan(40);
  });

  it.each(all.map((c) => [`${c.operationId} ${c.where.in} ${c.where.name}: ${c.probe.bound}`, c] as const))('%s', async (_label, c) => {
    await fc.assert(
      fc.asyncProperty(c.body ?? fc.constant(undefined), async (body) => {
        const past = await send(c, c.probe.past, body);
        expect(past.status, JSON.stringify(past.problem)).toBe(400);
        expect(names(c, past.problem), JSON.stringify(past.problem)).toBe(true);
        if (c.probe.at !== undefined) {
          const at = await send(c, c.probe.at, body);
          expect(at.status).toBeLessThan(500);
          expect(names(c, at.problem), `at the bound: ${JSON.stringify(at.problem)}`).toBe(false);
        }
      }),
      { numRuns: 3 },
    );
  });
});
