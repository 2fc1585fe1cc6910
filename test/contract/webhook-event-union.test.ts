import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../client/index.js';
import type { components } from '../../generated/schema.js';
import { loadBundle } from '../support/spec.js';

// One source: the TypeScript client derives its WebhookEvent from the spec's `webhooks`
// (client/webhook-event.ts), and the spec's components.schemas.WebhookEvent, which readers and
// generators see, must be the same union. `npm run typecheck` compiles this line: it fails
// when the two types differ.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const clientUnionIsTheSpecUnion: Same<WebhookEvent, components['schemas']['WebhookEvent']> = true;

describe.each(['full', 'public'] as const)('WebhookEvent in the %s bundle', (which) => {
  const doc = loadBundle(which);
  const union = doc.components.schemas!.WebhookEvent;
  const payloads = Object.fromEntries(Object.entries(doc.webhooks).map(([name, item]) => [name, item.post.requestBody.content['application/json'].schema.$ref as string]));

  it('lists exactly the payload of every webhook, and maps each event type to its payload', () => {
    expect(Object.keys(payloads)).toHaveLength(13);
    expect(union.oneOf.map((member: { $ref: string }) => member.$ref).sort()).toEqual(Object.values(payloads).sort());
    expect(union.discriminator).toEqual({ propertyName: 'type', mapping: payloads });
  });

  it('is referenced where a receiver looks: the declared content of a delivery payload, beside the envelope', () => {
    expect(doc.components.schemas!.DeliveryBodyAndAttempts.properties.payload).toMatchObject({
      type: 'string',
      contentMediaType: 'application/json',
      // Always an envelope; for a type this version knows, also that type's WebhookEvent member.
      contentSchema: { anyOf: [{ $ref: '#/components/schemas/WebhookEvent' }, { $ref: '#/components/schemas/WebhookEventEnvelope' }] },
    });
  });
});
