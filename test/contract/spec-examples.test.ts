import { describe, expect, it } from 'vitest';
import { createBundleValidator, pointerSegment } from '../support/ajv.js';
import { loadBundle } from '../support/spec.js';

type Example = { where: string; schemaPointer: string; value: unknown };

/** Every example in the bundle, paired with the pointer of the schema it illustrates. */
function collectExamples(node: unknown, pointer: string, out: Example[]): Example[] {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    node.forEach((child, i) => collectExamples(child, `${pointer}/${i}`, out));
    return out;
  }
  const obj = node as Record<string, any>;
  if (obj.schema && typeof obj.schema === 'object') {
    // Media type, parameter or header: examples sit beside `schema`.
    if ('example' in obj) out.push({ where: `${pointer}/example`, schemaPointer: `${pointer}/schema`, value: obj.example });
    for (const [name, ex] of Object.entries<any>(obj.examples ?? {})) {
      out.push({ where: `${pointer}/examples/${name}`, schemaPointer: `${pointer}/schema`, value: ex.value });
    }
  } else if ('example' in obj && /\/(schemas?|properties|items|allOf|oneOf|anyOf)(\/|$)/.test(pointer)) {
    out.push({ where: `${pointer}/example`, schemaPointer: pointer, value: obj.example });
  }
  for (const [key, child] of Object.entries(obj)) {
    if (key === 'example' || key === 'examples') continue;
    collectExamples(child, `${pointer}/${pointerSegment(key)}`, out);
  }
  return out;
}

describe.each(['full', 'public'] as const)('examples in the %s bundle', (which) => {
  const doc = loadBundle(which);
  const validator = createBundleValidator(doc);
  const examples = collectExamples(doc, '', []);

  it('are numerous enough that this test means something', () => {
    // Schema properties, media types (incl. all 13 webhook payloads) and parameters.
    expect(examples.length).toBeGreaterThan(150);
    expect(examples.filter((e) => e.where.startsWith('/webhooks/') && e.where.includes('/requestBody/'))).toHaveLength(13);
  });

  it('each validate against their schema', () => {
    const failures = examples.flatMap((example) => {
      const validate = validator.at(example.schemaPointer);
      return validate(example.value) ? [] : [`${example.where}: ${validator.errorsText(validate)}`];
    });
    expect(failures).toEqual([]);
  });

  it('of a delivery payload (JSON in a string) each validate as the WebhookEvent its contentSchema names', () => {
    const payloadPointer = '/components/schemas/DeliveryBodyAndAttempts/properties/payload';
    expect(schemaAt(doc, payloadPointer)).toMatchObject({ contentMediaType: 'application/json', contentSchema: { anyOf: expect.arrayContaining([{ $ref: '#/components/schemas/WebhookEvent' }]) } });
    // The examples are of known types, so they must be the stricter member, not just an envelope.
    const validate = validator.schema('WebhookEvent');
    const payloads = examples.flatMap((example) => {
      if (example.schemaPointer === payloadPointer) return [{ where: example.where, payload: example.value }];
      const value = example.value as { payload?: unknown; attempts?: unknown } | null;
      return value && typeof value === 'object' && typeof value.payload === 'string' && Array.isArray(value.attempts) ? [{ where: `${example.where}/payload`, payload: value.payload }] : [];
    });
    expect(payloads.length).toBeGreaterThanOrEqual(2); // the payload's own example and the delivery detail's
    const failures = payloads.filter(({ payload }) => !validate(JSON.parse(String(payload)))).map(({ where }) => `${where}: ${validator.errorsText(validate)}`);
    expect(failures).toEqual([]);
  });
});

describe('WebhookEventEnvelope', () => {
  const doc = loadBundle('public');
  const envelope = createBundleValidator(doc).schema('WebhookEventEnvelope');
  const bodies = collectExamples(doc.webhooks, '/webhooks', []).filter((e) => /\/requestBody\//.test(e.where));

  it('every delivery body of the spec is one (it is what a receiver decodes first)', () => {
    expect(bodies).toHaveLength(13);
    for (const body of bodies) expect(envelope(body.value), body.where).toBe(true);
  });

  it('so is a body of an event type this release does not know; a body without `data` is not', () => {
    const later = { ...(bodies[0]!.value as Record<string, unknown>), type: 'task.paused', data: { paused_by: 'user' } };
    expect(envelope(later)).toBe(true);
    const { data: _data, ...noData } = later;
    expect(envelope(noData)).toBe(false);
  });
});

/** The schema object at a JSON pointer of the bundle, following one `$ref` hop at the end. */
function schemaAt(doc: unknown, pointer: string): Record<string, any> | undefined {
  let node: any = doc;
  for (const segment of pointer.split('/').slice(1)) node = node?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (typeof node?.$ref === 'string' && node.$ref.startsWith('#/')) return schemaAt(doc, node.$ref.slice(1));
  return node;
}

describe('the example validator', () => {
  const validator = createBundleValidator(loadBundle('full'));

  it('rejects an example that breaks its schema (it is not vacuous)', () => {
    const validate = validator.schema('TaskFailedData');
    const good = loadBundle('full').webhooks['task.failed']!.post.requestBody.content['application/json'].examples.taskFailed.value.data;
    expect(validate(good)).toBe(true);
    // TaskErrorType is an open set: a new value is valid, a non-string is not.
    expect(validate({ ...good, error: { ...good.error, type: 'flaky_network' } })).toBe(true);
    expect(validate({ ...good, error: { ...good.error, type: 42 } })).toBe(false);
    expect(validate({ ...good, started_at: 'yesterday' })).toBe(false);
    expect(validator.schema('WebhookId')('evt_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y')).toBe(false);
    expect(validator.schema('WebhookEventType')('task.paused')).toBe(false);
  });

  it("catches a delivery payload example that breaks its event schema: 1.0.0's, with `\"data\":{}`", () => {
    const old = '{"id":"evt_01HXJ5B2C3D4E5F6G7H8J9K0M1","type":"task.completed","created":"2026-05-14T09:21:07.512Z","project_id":"5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197","text":"Task checkout-flow completed in 42.1 s","data":{}}';
    expect(validator.schema('WebhookEvent')(JSON.parse(old))).toBe(false);
  });
});
