import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../client/index.js';
import { createBundleValidator, pointerSegment } from '../support/ajv.js';
import { loadBundle } from '../support/spec.js';
import { startAppWithWorker, type AppWithWorker } from './support/app-with-worker.js';
import { independentlyVerifies, v1Values } from './support/independent-verify.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const bundle = loadBundle('full');
const ajv = createBundleValidator(bundle);
const eventTypes = Object.keys(bundle.webhooks) as Array<'task.completed'>;
/** The headers each delivery documents, from the `webhooks` entries' parameters (shared by $ref, or the event's own). */
const documentedHeaders = (type: string): Array<{ name: string; pointer: string }> =>
  (bundle.webhooks[type]!.post.parameters as Array<{ $ref?: string; name?: string }>).map((parameter, i) => {
    const pointer = parameter.$ref ? parameter.$ref.slice(1) : `/webhooks/${pointerSegment(type)}/post/parameters/${i}`;
    const name = pointer.split('/').slice(1).reduce<any>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], bundle).name as string;
    return { name, pointer: `${pointer}/schema` };
  });

let t: AppWithWorker;
let receiver: Receiver;
let webhook: { id: string; secret: string };
const published = new Map<string, string>(); // event type → event id

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startAppWithWorker();
  const { data, error } = await t.client.POST('/v1/webhooks', {
    body: { url: receiver.url, subscribed_events: eventTypes, description: 'end-to-end receiver' },
  });
  if (error) throw new Error(JSON.stringify(error));
  webhook = { id: data.id, secret: data.secret };
  for (const type of eventTypes) {
    const { data: event, response } = await t.client.POST('/v1/events', { body: { type } });
    expect(response.status).toBe(202);
    expect(event).toMatchObject({ type, delivery_count: 1 });
    published.set(type, event!.id);
  }
  await receiver.waitFor(eventTypes.length);
  await t.worker.idle();
});

afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('end to end: one event of each of the 13 types to a real receiver on 127.0.0.1', () => {
  it('publishes all 13 catalog types', () => {
    expect(eventTypes).toHaveLength(13);
  });

  it('delivers each event exactly once', () => {
    expect(receiver.requests).toHaveLength(eventTypes.length);
    expect(receiver.requests.map((r) => r.headers['anchor-event']).sort()).toEqual([...eventTypes].sort());
  });

  it.each(eventTypes)('%s: every documented header, valid against the spec', (type) => {
    const req = receiver.requests.find((r) => r.headers['anchor-event'] === type)!;
    expect(req.method).toBe('POST');
    expect(req.headers['user-agent']).toBe('Anchor-Webhooks/1.0');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['anchor-signature']).toMatch(new RegExp(`^t=${req.headers['anchor-timestamp']},v1=[0-9a-f]{64}$`));
    for (const { name, pointer } of documentedHeaders(type)) {
      const value = req.headers[name.toLowerCase()];
      expect(value, `header ${name}`).toBeTypeOf('string');
      const validate = ajv.at(pointer);
      expect(validate(value), `${name}: ${ajv.errorsText(validate)}`).toBe(true);
    }
  });

  it.each(eventTypes)('%s: the body validates against the spec’s webhooks schema for its type', (type) => {
    const req = receiver.requests.find((r) => r.headers['anchor-event'] === type)!;
    const body = JSON.parse(req.rawBody.toString('utf8'));
    const validate = ajv.at(`/webhooks/${pointerSegment(type)}/post/requestBody/content/application~1json/schema`);
    expect(validate(body), ajv.errorsText(validate)).toBe(true);
    expect(body).toMatchObject({ id: published.get(type), type, project_id: t.projectId });
  });

  it.each(eventTypes)('%s: the signature verifies independently (node:crypto) and with the client’s verifyWebhook', (type) => {
    const req = receiver.requests.find((r) => r.headers['anchor-event'] === type)!;
    const header = req.headers['anchor-signature'] as string;
    expect(v1Values(header)).toHaveLength(1);
    expect(independentlyVerifies(webhook.secret, header, req.rawBody)).toBe(true);
    const wrongSecret = `${webhook.secret.slice(0, -1)}${webhook.secret.endsWith('0') ? '1' : '0'}`;
    expect(independentlyVerifies(wrongSecret, header, req.rawBody)).toBe(false);
    const event = verifyWebhook({ body: req.rawBody, headers: req.headers, secret: webhook.secret, now: new Date(t.clock.now()) });
    expect(event.type).toBe(type);
  });

  it('the delivery log shows each as succeeded with the exact bytes sent and the headers sent', async () => {
    for (const req of receiver.requests) {
      const deliveryId = req.headers['anchor-delivery-id'] as string;
      const { data } = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', {
        params: { path: { webhook_id: webhook.id, delivery_id: deliveryId } },
      });
      expect(data).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200, event_type: req.headers['anchor-event'] });
      expect(data!.payload).toBe(req.rawBody.toString('utf8'));
      expect(data!.attempts).toHaveLength(1);
      const sent = data!.attempts[0]!.request_headers;
      for (const name of ['user-agent', 'content-type', 'anchor-event', 'anchor-delivery-id', 'anchor-timestamp']) {
        expect(sent[name], name).toBe(req.headers[name]);
      }
      // The signature as sent, but for its value: the log must not let its reader replay the delivery.
      expect(sent['anchor-signature']).toBe(`t=${req.headers['anchor-timestamp']},v1=[redacted]`);
      for (const v1 of v1Values(req.headers['anchor-signature'] as string)) expect(JSON.stringify(data)).not.toContain(v1);
      expect(JSON.stringify(data)).not.toContain(webhook.secret);
    }
  });

  it('a row an earlier version stored with the signature in full is shown redacted', async () => {
    const req = receiver.requests[0]!;
    const deliveryId = req.headers['anchor-delivery-id'] as string;
    const full = { ...Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('anchor-'))), 'anchor-signature': req.headers['anchor-signature'] };
    t.db.prepare('UPDATE delivery_attempts SET request_headers = ? WHERE delivery_id = ?').run(JSON.stringify(full), deliveryId);
    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhook.id, delivery_id: deliveryId } } });
    expect(data!.attempts[0]!.request_headers['anchor-signature']).toBe(`t=${req.headers['anchor-timestamp']},v1=[redacted]`);
  });
});
