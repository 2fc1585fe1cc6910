import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../client/index.js';
import { loadVectors } from '../client/support/vectors.js';
import { loadBundle, type OpenApiDocument } from '../support/spec.js';

// Examples validate against their schemas (spec-examples.test.ts); here they must also agree
// with each other wherever the spec relates them: an id's ULID and the time it was created, a
// signature and the body it signs, a delivery and the event in its payload. A reader who checks
// one example against another should find the same story. The delivery log keeps no
// signature (`t=…,v1=[redacted]`): there its `t=` must be the attempt's, one `v1=` per secret.

const published = loadVectors().find((v) => v.name === 'published')!;
const SECRET = published.secrets[0]!;
const ID = /^(evt|wh)_([0-9A-HJKMNP-TV-Z]{26})$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ms = (iso: Json | undefined) => Date.parse(String(iso));

/** Every example value of the bundle (media types, parameters, schemas), with where it is. */
function exampleValues(doc: OpenApiDocument): Array<{ where: string; value: Json }> {
  const out: Array<{ where: string; value: Json }> = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${where}/${i}`));
    if (!isObj(node)) return;
    if ('example' in node) out.push({ where: `${where}/example`, value: node.example! });
    if (isObj(node.examples)) for (const [name, ex] of Object.entries(node.examples)) if (isObj(ex) && 'value' in ex) out.push({ where: `${where}/examples/${name}`, value: ex.value! });
    for (const [key, child] of Object.entries(node)) if (key !== 'example' && key !== 'examples') walk(child, `${where}/${key}`);
  };
  walk(doc, '');
  return out;
}

/** Every object inside an example, JSON held in a string (a delivery payload) included. */
function objectsIn(value: Json, where: string, out: Array<{ where: string; obj: Obj }> = []) {
  if (Array.isArray(value)) value.forEach((child, i) => objectsIn(child, `${where}/${i}`, out));
  else if (isObj(value)) {
    out.push({ where, obj: value });
    for (const [key, child] of Object.entries(value)) {
      if (key === 'payload' && typeof child === 'string') objectsIn(JSON.parse(child) as Json, `${where}/payload(json)`, out);
      else objectsIn(child, `${where}/${key}`, out);
    }
  }
  return out;
}

const stringsIn = (value: Json): string[] =>
  typeof value === 'string' ? [value, ...(value.startsWith('{') ? safeStrings(value) : [])] : Array.isArray(value) ? value.flatMap(stringsIn) : isObj(value) ? Object.values(value).flatMap(stringsIn) : [];
const safeStrings = (text: string) => {
  try {
    return stringsIn(JSON.parse(text) as Json);
  } catch {
    return [];
  }
};

function signs(header: Json | undefined, body: string, now: number): boolean {
  try {
    verifySignature({ body, signatureHeader: String(header), secret: SECRET, now: new Date(now * 1000) });
    return true;
  } catch {
    return false;
  }
}

const tOf = (header: Json | undefined) => Number(/^t=(\d+),/.exec(String(header))?.[1]);
/** The delivery log's form of an `Anchor-Signature`: `t=` kept, each `v1=` redacted. */
const REDACTED_SIGNATURE = /^t=\d+(,v1=\[redacted\])+$/;

/** Everything that disagrees, as readable lines; empty when the examples tell one story. */
export function inconsistencies(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const examples = exampleValues(doc);
  const objects = examples.flatMap(({ where, value }) => objectsIn(value, where));

  // Ids are ULIDs of the instant their resource was created.
  for (const { where, obj } of objects) {
    const match = ID.exec(String(obj.id ?? ''));
    const created = match?.[1] === 'evt' ? obj.created : obj.created_at;
    if (match && created !== undefined && decodeTime(match[2]!) !== ms(created)) {
      problems.push(`${where}: ${obj.id} encodes ${new Date(decodeTime(match[2]!)).toISOString()}, but it was created ${created}`);
    }
  }
  // …and no ULID anywhere comes from outside the examples' own timeline.
  const times = examples.flatMap(({ value }) => stringsIn(value)).filter((s) => ISO.test(s)).map((s) => Date.parse(s));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  for (const { where, value } of examples) {
    for (const s of stringsIn(value)) {
      const match = ID.exec(s);
      if (match && (decodeTime(match[2]!) < first || decodeTime(match[2]!) > last)) {
        problems.push(`${where}: ${s} encodes ${new Date(decodeTime(match[2]!)).toISOString()}, outside the examples' timeline`);
      }
    }
  }

  // Nothing is changed or deleted before it exists.
  for (const { where, obj } of objects) {
    for (const later of ['updated_at', 'deleted_at'] as const) {
      if (obj.created_at && obj[later] && ms(obj[later]) < ms(obj.created_at)) problems.push(`${where}: ${later} ${obj[later]} is before created_at ${obj.created_at}`);
    }
  }

  // One event id is one event: the same type and creation time wherever it appears.
  const events = new Map<string, { type: Json; created: Json; where: string }>();
  for (const { where, obj } of objects) {
    if (!String(obj.id ?? '').startsWith('evt_') || !obj.type) continue;
    const seen = events.get(String(obj.id));
    const differs = seen && (seen.type !== obj.type || (seen.created !== null && obj.created !== undefined && seen.created !== obj.created));
    if (differs) problems.push(`${where}: ${obj.id} is also a ${seen.type} event created ${seen.created} (${seen.where})`);
    if (!seen || seen.created === null) events.set(String(obj.id), { type: obj.type, created: obj.created ?? null, where });
  }
  for (const { where, obj } of objects) {
    if (obj.event_id && events.get(String(obj.event_id)) && events.get(String(obj.event_id))!.type !== obj.event_type) {
      problems.push(`${where}: delivery of ${obj.event_id} says ${obj.event_type}`);
    }
  }

  // A test event is a new event, never one of the real events shown elsewhere.
  const queued = doc.paths['/v1/webhooks/{webhook_id}/test']!.post.responses['202'].content['application/json'].example as Obj;
  const realEventIds = new Set(Object.values(doc.webhooks).map((item) => (Object.values(item.post.requestBody.content['application/json'].examples)[0] as Obj).value!).map((body) => (body as Obj).id));
  if (realEventIds.has(queued.external_event_id!)) problems.push(`sendWebhookTestEvent 202: external_event_id ${queued.external_event_id} is a real event's id`);

  // A rotation moves updated_at, and the old secret lives exactly the TTL asked for.
  const rotate = doc.paths['/v1/webhooks/{webhook_id}/rotate-secret']!.post;
  const rotated = rotate.responses['200'].content['application/json'].example as Obj;
  const ttl = Number((rotate.requestBody.content['application/json'].example as Obj).previous_secret_ttl_seconds);
  if (!(ms(rotated.updated_at) > ms(rotated.created_at))) problems.push(`rotateWebhookSecret 200: updated_at ${rotated.updated_at} does not move past created_at ${rotated.created_at}`);
  if (ms(rotated.previous_secret_expires_at) - ms(rotated.updated_at) !== ttl * 1000) {
    problems.push(`rotateWebhookSecret 200: the previous secret expires ${rotated.previous_secret_expires_at}, not ${ttl} s after the rotation at ${rotated.updated_at}`);
  }

  // Each event page's headers sign its own body (as compact JSON) with the test vector's secret.
  const resolveParameter = (p: any) => (p.$ref ? doc.components.parameters![p.$ref.split('/').pop()] : p);
  for (const [name, item] of Object.entries(doc.webhooks)) {
    const body = (Object.values(item.post.requestBody.content['application/json'].examples)[0] as Obj).value as Obj;
    const header = (n: string) => {
      const p = item.post.parameters.map(resolveParameter).find((x: any) => x.name === n);
      return p?.example ?? p?.schema?.example;
    };
    const signature = header('Anchor-Signature');
    const t = tOf(signature);
    if (!signs(signature, JSON.stringify(body), t)) problems.push(`webhooks/${name}: Anchor-Signature ${signature} does not sign the example body`);
    if (String(header('Anchor-Timestamp')) !== String(t)) problems.push(`webhooks/${name}: Anchor-Timestamp ${header('Anchor-Timestamp')} is not the signature's t=${t}`);
    if (t < Math.floor(ms(body.created) / 1000)) problems.push(`webhooks/${name}: signed at ${t}, before the event was created (${body.created})`);
    if (header('Anchor-Event') !== name || body.type !== name) problems.push(`webhooks/${name}: Anchor-Event ${header('Anchor-Event')} and type ${body.type}`);
  }

  // Every recorded attempt signed the delivery's exact payload, when it started.
  let detailPayload: string | undefined;
  for (const { where, obj } of objects) {
    if (typeof obj.payload !== 'string' || !Array.isArray(obj.attempts)) continue;
    detailPayload ??= obj.payload;
    const event = JSON.parse(obj.payload) as Obj;
    if (event.id !== obj.event_id || event.type !== obj.event_type || event.created !== obj.created_at) {
      problems.push(`${where}: payload ${event.id} ${event.type} ${event.created} vs delivery ${obj.event_id} ${obj.event_type} ${obj.created_at}`);
    }
    for (const attempt of obj.attempts.filter(isObj)) {
      const headers = attempt.request_headers as Obj;
      const t = tOf(headers['anchor-signature']);
      const label = `${where}/attempts/${attempt.attempt_number}`;
      if (!REDACTED_SIGNATURE.test(String(headers['anchor-signature']))) problems.push(`${label}: anchor-signature ${headers['anchor-signature']} is not the log's redacted form`);
      if (headers['anchor-timestamp'] !== String(t) || Math.floor(ms(attempt.started_at) / 1000) !== t) problems.push(`${label}: t=${t}, anchor-timestamp ${headers['anchor-timestamp']}, started ${attempt.started_at}`);
      if (headers['anchor-event'] !== obj.event_type || headers['anchor-delivery-id'] !== obj.id) problems.push(`${label}: anchor-event or anchor-delivery-id is not this delivery's`);
    }
  }
  // The schema-level examples tell the same story: the attempt headers, and the vector's header.
  const requestHeaders = doc.components.schemas!.DeliveryRequestHeaders.example as Obj;
  const attemptSignatures = objects.flatMap(({ obj }) => (Array.isArray(obj.attempts) ? obj.attempts.filter(isObj).map((a) => (a.request_headers as Obj)['anchor-signature']) : []));
  if (!detailPayload || !attemptSignatures.includes(requestHeaders['anchor-signature']!)) problems.push('DeliveryRequestHeaders: its anchor-signature is not one a delivery attempt of the examples shows');
  const signatureExample = doc.components.schemas!.AnchorSignature.example;
  if (signatureExample !== published.expected_header) problems.push(`AnchorSignature: the example is not the published test vector's header`);
  return problems;
}

describe('the examples of the bundle', () => {
  it.each(['full', 'public'] as const)('tell one consistent story (%s)', (which) => {
    expect(inconsistencies(loadBundle(which))).toEqual([]);
  });

  it('are checked for real: each kind of slip is caught', () => {
    const slips: Array<[string, (doc: OpenApiDocument) => void, RegExp]> = [
      ['a 2024 ULID', (doc) => (webhookBody(doc, 'task.failed').id = 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M2'), /encodes 2024/],
      ['a body changed after signing', (doc) => ((webhookBody(doc, 'task.failed').data as Obj).duration_ms = 1), /task.failed: Anchor-Signature .* does not sign/],
      ['a test event reusing a real id', (doc) => (testEvent(doc).external_event_id = webhookBody(doc, 'task.completed').id!), /is a real event's id/],
      ['a rotation that leaves updated_at', (doc) => (rotation(doc).updated_at = rotation(doc).created_at!), /does not move past created_at/],
      ['a payload with another event id', (doc) => (detail(doc).payload = String(detail(doc).payload).replace(/"id":"evt_[^"]+"/, '"id":"evt_01KRJSKZ4M8Q2V6N0R3T5W7Y9B"')), /payload evt_01KRJSKZ4M8Q2V6N0R3T5W7Y9B/],
      ['a logged signature in full', (doc) => (((detail(doc).attempts as Obj[])[0]!.request_headers as Obj)['anchor-signature'] = published.expected_header), /is not the log's redacted form/],
    ];
    for (const [label, slip, expected] of slips) {
      const doc = structuredClone(loadBundle('full'));
      slip(doc);
      expect(inconsistencies(doc).join('\n'), label).toMatch(expected);
    }
  });
});

const webhookBody = (doc: OpenApiDocument, name: string) => (Object.values(doc.webhooks[name]!.post.requestBody.content['application/json'].examples)[0] as Obj).value as Obj;
const testEvent = (doc: OpenApiDocument) => doc.paths['/v1/webhooks/{webhook_id}/test']!.post.responses['202'].content['application/json'].example as Obj;
const rotation = (doc: OpenApiDocument) => doc.paths['/v1/webhooks/{webhook_id}/rotate-secret']!.post.responses['200'].content['application/json'].example as Obj;
const detail = (doc: OpenApiDocument) => doc.paths['/v1/webhooks/{webhook_id}/events/{delivery_id}']!.get.responses['200'].content['application/json'].example as Obj;
