/** The worker's secrets are reused for a second at most, and never once they have changed. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/database.js';
import { createStores } from '../../server/storage/stores.js';

function setup() {
  let now = Date.parse('2026-05-14T09:00:00.000Z');
  const clock = { now: () => now };
  const stores = createStores(openDatabase(':memory:'), clock, randomBytes(32));
  const projectId = stores.projects.create();
  const { webhook, secret } = stores.webhooks.create(projectId, { url: 'https://hooks.anchor-customer.io/h', subscribed_events: ['task.completed'], description: null }, now, 5)!;
  return { stores, webhookId: webhook.id, secret, at: () => now, advance: (ms: number) => void (now += ms) };
}

describe('validSecrets', () => {
  it('a rotation is seen at once, even within the second the secrets are reused', () => {
    const t = setup();
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([t.secret]);
    const { secret: next } = t.stores.secrets.rotate(t.webhookId, t.at(), 0);
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([next]);
  });

  it('a previous secret is not served past its expiry, however recently it was read', () => {
    const t = setup();
    const { secret: next } = t.stores.secrets.rotate(t.webhookId, t.at(), 300);
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([next, t.secret]);
    t.advance(300);
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([next]);
  });

  it('a change made behind the store (another process) is seen within a second', () => {
    const t = setup();
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([t.secret]);
    t.stores.db.prepare('DELETE FROM webhook_secrets WHERE webhook_id = ?').run(t.webhookId);
    t.advance(999);
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([t.secret]);
    t.advance(1);
    expect(t.stores.secrets.validSecrets(t.webhookId, t.at())).toEqual([]);
  });
});
