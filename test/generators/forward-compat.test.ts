/**
 * Forward compatibility: the server of a later release answers with a 14th event type,
 * resources, problem codes, error classes and disabled reasons that this release does not
 * know. The TypeScript client, and the Go and Python decoders quicktype generates from this
 * release's public bundle, parse every answer. Decoders generated from the previous release
 * (openapi/released/, closed enums) do not: the negative control that shows the open enums
 * are what makes the difference. The Go and Python parts skip only outside CI, loudly.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorApiError, createAnchorClient, signWebhook, throwOnError, verifyWebhook } from '../../client/index.js';
import { createBundleValidator } from '../support/ajv.js';
import { loadBundle, repoRoot, type OpenApiDocument } from '../support/spec.js';
import { quicktypeModels } from './support/quicktype.js';
import { PYTHON, buildGo, goSkipReason, pythonSkipReason } from './support/toolchains.js';

const run = promisify(execFile);
const current = loadBundle('public');
const released: OpenApiDocument = JSON.parse(readFileSync(join(repoRoot, 'openapi/released/openapi.public.json'), 'utf8'));
const WEBHOOK_ID = 'wh_0123456789abcdef01234567';
const DELIVERY_ID = '3f2a9c1e-0b7d-4e5f-8a6b-1c2d3e4f5a6b';

const exampleOf = (path: string, method: string, status: string) => structuredClone(current.paths[path]![method].responses[status].content['application/json'].example);

/** A later release's answers, built from this release's examples with values it does not know. */
function futureBodies() {
  const pausedEvent = {
    id: 'evt_0123456789abcdef01234567',
    type: 'task.paused',
    created: '2026-09-01T08:00:00.000Z',
    project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197',
    text: 'Task checkout-flow paused by a person',
    data: { task_id: '7c1e9a52-3b4d-4e6f-8a9b-0c1d2e3f4a5b', paused_by: 'user' },
  };
  const types = exampleOf('/v1/webhook-event-types', 'get', '200');
  types.data.items.push({ type: 'task.paused', resource: 'workflow', description: 'A task run was paused.', payload_schema: 'TaskPausedEvent', example_payload: pausedEvent });
  types.data.count = types.data.items.length;
  const webhook = { ...exampleOf('/v1/webhooks/{webhook_id}', 'get', '200'), id: WEBHOOK_ID, enabled: false, disabled_reason: 'abuse_detected' };
  webhook.subscribed_events = [...webhook.subscribed_events, 'task.paused'];
  const webhooks = exampleOf('/v1/webhooks', 'get', '200');
  webhooks.data.items = [webhook];
  webhooks.data.count = 1;
  const deliveries = exampleOf('/v1/webhooks/{webhook_id}/events', 'get', '200');
  deliveries.data.items = deliveries.data.items.map((d: any) => ({ ...d, id: DELIVERY_ID, webhook_id: WEBHOOK_ID, event_type: 'task.paused' }));
  const detail = { ...exampleOf('/v1/webhooks/{webhook_id}/events/{delivery_id}', 'get', '200'), id: DELIVERY_ID, webhook_id: WEBHOOK_ID, event_type: 'task.paused', payload: JSON.stringify(pausedEvent) };
  detail.attempts = detail.attempts.map((a: any) => ({ ...a, status_code: null, error: 'quic_handshake', error_message: 'QUIC handshake failed' }));
  const problem = {
    type: 'https://docs.anchorbrowser.io/webhooks#/errors/webhook_paused',
    title: 'Webhook paused',
    status: 409,
    detail: 'The webhook is paused.',
    code: 'webhook_paused',
    request_id: 'req_0123456789abcdef0123456789abcdef',
    error: { code: 409, message: 'The webhook is paused.' },
  };
  const validation = {
    type: 'https://docs.anchorbrowser.io/webhooks#/errors/validation_failed',
    title: 'Validation failed',
    status: 400,
    detail: 'The request is invalid: cookie/session is required.',
    code: 'validation_failed',
    request_id: 'req_0123456789abcdef0123456789abcdef',
    error: { code: 400, message: 'The request is invalid: cookie/session is required.' },
    errors: [{ location: 'cookie', path: 'session', message: 'is required' }],
  };
  return { types, webhooks, webhook, deliveries, detail, problem, validation, pausedEvent };
}

const future = futureBodies();

/** Each future body under the name of the schema it is documented as. */
const bySchema: Array<[string, unknown]> = [
  ['WebhookEventTypeListEnvelope', future.types],
  ['WebhookListEnvelope', future.webhooks],
  ['WebhookPublic', future.webhook],
  ['WebhookDeliveryListEnvelope', future.deliveries],
  ['WebhookDeliveryDetail', future.detail],
  ['Problem', future.problem],
  ['ProblemWithIssues', future.validation],
  ['WebhookEventEnvelope', future.pausedEvent],
];
const fixtures = (names = bySchema) => Object.fromEntries(names.map(([name, body]) => [name === 'ProblemWithIssues' ? 'Problem' : name, body]));

describe('the contract itself', () => {
  it.each(bySchema)('%s from a later release matches this release’s schema', (name, body) => {
    const validate = createBundleValidator(current).schema(name === 'ProblemWithIssues' ? 'Problem' : name);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('did not before open enums: the released contract rejects them (negative control)', () => {
    const validator = createBundleValidator(released);
    const rejected = bySchema.filter(([name, body]) => name !== 'WebhookEventEnvelope' && !validator.schema(name === 'ProblemWithIssues' ? 'Problem' : name)(body));
    expect(rejected.map(([name]) => name)).toEqual(bySchema.map(([name]) => name).filter((name) => name !== 'WebhookEventEnvelope'));
  });
});

describe('the TypeScript client parses a later release’s answers', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const routes: Record<string, [number, unknown]> = {
      'GET /v1/webhook-event-types': [200, future.types],
      'GET /v1/webhooks': [200, future.webhooks],
      [`GET /v1/webhooks/${WEBHOOK_ID}`]: [200, future.webhook],
      [`GET /v1/webhooks/${WEBHOOK_ID}/events`]: [200, future.deliveries],
      [`GET /v1/webhooks/${WEBHOOK_ID}/events/${DELIVERY_ID}`]: [200, future.detail],
      [`DELETE /v1/webhooks/${WEBHOOK_ID}`]: [409, future.problem],
    };
    server = createServer((req, res) => {
      const [status, body] = routes[`${req.method} ${req.url?.split('?')[0]}`] ?? [404, { ...future.problem, status: 404, code: 'not_found' }];
      res.writeHead(status, { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('reads event types, webhooks and deliveries with values it does not know', async () => {
    const anchor = createAnchorClient({ apiKey: 'k', baseUrl });
    const types = await throwOnError(anchor.GET('/v1/webhook-event-types'));
    expect(types.data.items.at(-1)).toMatchObject({ type: 'task.paused', resource: 'workflow' });
    const list = await throwOnError(anchor.GET('/v1/webhooks'));
    expect(list.data.items[0]!.subscribed_events).toContain('task.paused');
    const path = { webhook_id: WEBHOOK_ID };
    expect(await throwOnError(anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } }))).toMatchObject({ disabled_reason: 'abuse_detected' });
    const deliveries = await throwOnError(anchor.GET('/v1/webhooks/{webhook_id}/events', { params: { path } }));
    expect(deliveries.data.items[0]!.event_type).toBe('task.paused');
    const detail = await throwOnError(anchor.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { ...path, delivery_id: DELIVERY_ID } } }));
    expect(detail.attempts[0]!.error).toBe('quic_handshake');
  });

  it('turns an unknown problem code into an AnchorApiError with that code and the HTTP status', async () => {
    const anchor = createAnchorClient({ apiKey: 'k', baseUrl });
    const error = await throwOnError(anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: WEBHOOK_ID } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnchorApiError);
    expect(error).toMatchObject({ code: 'webhook_paused', status: 409, detail: 'The webhook is paused.' });
  });

  it('verifies and returns a delivery of an unknown event type', () => {
    const body = JSON.stringify(future.pausedEvent);
    const secret = 'a'.repeat(64);
    const headers = signWebhook({ secret, body, eventType: 'task.paused' as never });
    const event = verifyWebhook({ secret, body, headers });
    expect(event.type as string).toBe('task.paused');
    expect(event.id).toBe(future.pausedEvent.id);
  });
});

const goSkip = goSkipReason();
describe.skipIf(goSkip !== null)('Go decoders generated by quicktype from this release', { timeout: 240_000 }, () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'anchor-go-future-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decode every answer of a later release', async () => {
    const client = buildGo(dir, 'client', { 'models.go': await quicktypeModels(current, 'go') });
    const file = join(dir, 'future.json');
    writeFileSync(file, JSON.stringify(fixtures(bySchema.filter(([name]) => name !== 'ProblemWithIssues'))));
    const { stdout } = await run(client, ['decode', file]);
    expect(stdout.trim().split('\n').sort()).toEqual(
      ['Problem', 'WebhookDeliveryDetail', 'WebhookDeliveryListEnvelope', 'WebhookEventEnvelope', 'WebhookEventTypeListEnvelope', 'WebhookListEnvelope', 'WebhookPublic'].map((n) => `ok decoded ${n}`),
    );
  }, 240_000);
});

const pythonSkip = pythonSkipReason();
describe.skipIf(pythonSkip !== null)('Python decoders generated by quicktype', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'anchor-py-future-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const modelsDirs = new Map<string, string>();
  /** Decodes one body with the Python models quicktype generates from `bundle` (generated once per bundle). */
  async function decodeWith(bundle: OpenApiDocument, release: string, [name, body]: [string, unknown]) {
    if (!modelsDirs.has(release)) {
      const models = join(dir, release);
      mkdirSync(models, { recursive: true });
      writeFileSync(join(models, 'models.py'), await quicktypeModels(bundle, 'python'));
      modelsDirs.set(release, models);
    }
    const models = modelsDirs.get(release)!;
    const file = join(models, `${name}.json`);
    writeFileSync(file, JSON.stringify(fixtures([[name, body]])));
    try {
      const { stdout } = await run(PYTHON, [join(repoRoot, 'test/generators/python/decode.py'), models, file]);
      return { code: 0, output: stdout };
    } catch (error: any) {
      return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
    }
  }

  it('from this release decode every answer of a later release', async () => {
    for (const pair of bySchema) {
      const result = await decodeWith(current, 'current', pair);
      expect(result.output, pair[0]).toMatch(/^ok decoded /);
      expect(result.code, pair[0]).toBe(0);
    }
  });

  it('from the previous release (closed enums) reject each of them: the negative control', async () => {
    const outputs: string[] = [];
    for (const pair of bySchema.filter(([name]) => name !== 'WebhookEventEnvelope')) {
      const result = await decodeWith(released, 'released', pair);
      expect(result.code, pair[0]).toBe(1);
      outputs.push(result.output);
    }
    const all = outputs.join('');
    expect(all).toMatch(/FAIL WebhookEventTypeListEnvelope: ValueError: 'workflow' is not a valid EventResource/);
    expect(all).toMatch(/FAIL WebhookListEnvelope: ValueError: 'task.paused' is not a valid WebhookEventType/);
    expect(all).toMatch(/FAIL Problem: /);
  });
});
