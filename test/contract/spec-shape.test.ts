import { describe, expect, it } from 'vitest';
import { loadBundle, operationsOf } from '../support/spec.js';

const full = loadBundle('full');
const publicDoc = loadBundle('public');

const PUBLIC_OPERATIONS = [
  'createWebhook', 'listWebhooks', 'getWebhook', 'updateWebhook', 'deleteWebhook', 'rotateWebhookSecret',
  'sendWebhookTestEvent', 'listWebhookEvents', 'getWebhookEvent', 'redeliverWebhookEvent', 'listWebhookEventTypes', 'getWebhookStats',
];
const INTERNAL_OPERATIONS = ['publishEvent', 'getServerInfo'];
const CATALOG = [
  'task.completed', 'task.failed', 'task.cancelled', 'task.healed', 'session.completed', 'session.failed',
  'session.recording.ready', 'batch.completed', 'batch.failed', 'intervention.requested', 'intervention.resolved',
  'identity.authenticated', 'identity.authentication_failed',
];

describe('the bundled contract', () => {
  it('has the 12 public operations plus the internal publishEvent and getServerInfo, and nothing else', () => {
    const ids = operationsOf(full).map((o) => o.operation.operationId);
    expect(ids.sort()).toEqual([...PUBLIC_OPERATIONS, ...INTERNAL_OPERATIONS].sort());
    for (const id of INTERNAL_OPERATIONS) expect(operationsOf(full).find((o) => o.operation.operationId === id)?.operation['x-internal'], id).toBe(true);
  });

  it('keeps internal operations, and their schemas, out of the public bundle', () => {
    expect(operationsOf(publicDoc).map((o) => o.operation.operationId).sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    expect(JSON.stringify(publicDoc)).not.toMatch(/x-internal|publishEvent|PublishEvent|"\/v1\/events"|getServerInfo|ServerInfo|server-info/);
  });

  it('has one `webhooks` entry per catalog event type, matching the enum', () => {
    expect(Object.keys(full.webhooks)).toEqual(CATALOG);
    expect(full.components.schemas!.WebhookEventType.enum).toEqual(CATALOG);
    expect(full.components.schemas!.WebhookEventTypeName!['x-extensible-enum']).toEqual(CATALOG);
    for (const [type, item] of Object.entries(full.webhooks)) {
      const body = item.post.requestBody.content['application/json'];
      const schemaName = body.schema.$ref.split('/').pop();
      const schema = full.components.schemas![schemaName];
      expect(schema.properties.type.const, type).toBe(type);
      const headers = item.post.parameters.map((p: any) => (p.$ref ? resolve(p.$ref) : p).name);
      expect(headers).toEqual(['User-Agent', 'Anchor-Event', 'Anchor-Delivery-Id', 'Anchor-Timestamp', 'Anchor-Signature']);
      expect(Object.values(body.examples ?? {})).toHaveLength(1);
    }
  });

  it('documents a 4xx problem+json answer on every API operation', () => {
    for (const { operation } of operationsOf(full)) {
      const fourXX = Object.entries(operation.responses).filter(([status]) => status.startsWith('4'));
      expect(fourXX.length, operation.operationId).toBeGreaterThan(0);
      for (const [status, raw] of fourXX) {
        const response = (raw as any).$ref ? resolve((raw as any).$ref) : raw;
        expect(Object.keys(response.content), `${operation.operationId} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('gives every ProblemCode, and nothing else, an entry under Errors in the docs', () => {
    const description = String(full.info.description);
    const errors = description.slice(description.indexOf('# Errors'), description.indexOf('\n# ', description.indexOf('# Errors') + 1));
    const entries = [...errors.matchAll(/^### ([a-z_]+)$/gm)].map(([, code]) => code);
    const problemCode = full.components.schemas!.ProblemCode;
    expect(entries.sort()).toEqual([...(problemCode['x-extensible-enum'] ?? problemCode.enum)].sort());
  });

  it('gives every public operation curl, TypeScript and Python samples', () => {
    for (const { operation } of operationsOf(publicDoc)) {
      const samples = operation['x-codeSamples'] ?? [];
      // Redoc CE 3 shows only languages it knows: the TypeScript client's sample is labelled Node.js.
      expect(samples.map((s: any) => s.label), operation.operationId).toEqual(['curl', 'Node.js', 'Python']);
      for (const sample of samples) expect(sample.source.length, `${operation.operationId} ${sample.lang}`).toBeGreaterThan(40);
    }
  });
});

function resolve(ref: string): any {
  return ref.replace(/^#\//, '').split('/').reduce((node: any, key) => node[key], full);
}
