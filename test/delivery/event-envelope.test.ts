/**
 * The server's event validation: every body the publisher stores is first checked against the
 * `<Type>Event` schema its `type` names. An envelope without `id` or without `type` (or with
 * either malformed) is refused, and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { createEventCatalog } from '../../server/delivery/event-catalog.js';
import { InvalidEventDataError } from '../../server/delivery/publish.js';
import { readSpec } from '../../server/spec.js';
import { loadBundle } from '../support/spec.js';
import { startDeliveryHarness } from './support/delivery-harness.js';

const catalog = createEventCatalog(readSpec('full'));
const bundle = loadBundle('full');
/** The spec's example delivery body of each type. */
const examples = Object.entries(bundle.webhooks).map(([type, item]) => {
  const media = item.post.requestBody.content['application/json'];
  return [type, Object.values<{ value: Record<string, unknown> }>(media.examples)[0]!.value] as const;
});
const without = (event: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(event).filter(([key]) => key !== field));

describe('catalog.validateEvent', () => {
  it.each(examples)('accepts the spec example of %s', (_type, event) => {
    expect(catalog.validateEvent(event)).toEqual([]);
  });

  it.each(examples)('refuses the %s example without id, without type, or with either malformed', (_type, event) => {
    expect(catalog.validateEvent(without(event, 'id'))).toContainEqual({ path: '', message: "must have required property 'id'" });
    expect(catalog.validateEvent(without(event, 'type'))).toEqual([{ path: '', message: "must have required property 'type'" }]);
    expect(catalog.validateEvent({ ...event, id: 'evt_not-a-ulid' })).toContainEqual(expect.objectContaining({ path: '/id' }));
    expect(catalog.validateEvent({ ...event, id: 42 })).toContainEqual(expect.objectContaining({ path: '/id' }));
    expect(catalog.validateEvent({ ...event, type: 'task.exploded' })).toEqual([{ path: '/type', message: 'must be one of the event types of the spec' }]);
    expect(catalog.validateEvent({ ...event, type: 7 })).toEqual([{ path: '/type', message: 'must be one of the event types of the spec' }]);
  });

  it('refuses what is not an event object', () => {
    for (const body of [null, [], 'task.completed', 42]) expect(catalog.validateEvent(body)).toEqual([{ path: '', message: 'must be an object' }]);
  });
});

describe('the publisher', () => {
  it('stores only envelopes the schema accepts: each stored body has its id and type', async () => {
    const h = startDeliveryHarness({ delivery: { retrySchedule: [60_000] } });
    try {
      h.createWebhook('http://127.0.0.1:9/hook', ['task.completed']);
      const published = h.publish('task.completed');
      const stored = h.db.prepare<[string], { payload: string }>('SELECT payload FROM events WHERE id = ?').get(published.id)!;
      const body = JSON.parse(stored.payload);
      expect(body).toMatchObject({ id: published.id, type: 'task.completed' });
      expect(catalog.validateEvent(body)).toEqual([]);
      // Envelope fields are checked too, not only `data`: an over-long text is refused, and nothing is stored.
      const before = h.db.prepare('SELECT COUNT(*) FROM events').pluck().get();
      expect(() => h.publisher.publish({ projectId: h.projectId, type: 'task.completed', text: 'x'.repeat(281) })).toThrow(InvalidEventDataError);
      expect(h.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(before);
    } finally {
      await h.close();
    }
  });
});
