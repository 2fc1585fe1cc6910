import type { Database } from './database.js';
import type { Clock } from '../clock.js';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { createProjectsStore, type ProjectsStore } from './projects.js';
import { createSecretBox } from './secret-box.js';
import { createSecretsStore, type SecretsStore } from './secrets.js';
import { createWebhooksStore, type WebhooksStore } from './webhooks.js';

/** How long a create with an Idempotency-Key is replayed (the spec's "within 24 hours"). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Every store over one database; handlers use these and never SQL. */
export type Stores = {
  db: Database;
  projects: ProjectsStore;
  webhooks: WebhooksStore;
  secrets: SecretsStore;
  idempotency: IdempotencyStore;
  /** Runs `fn` in one IMMEDIATE transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T;
};

export function createStores(db: Database, clock: Clock, secretKey: Buffer): Stores {
  const box = createSecretBox(secretKey);
  const secrets = createSecretsStore(db, box);
  return {
    db,
    projects: createProjectsStore(db, clock),
    webhooks: createWebhooksStore(db, secrets),
    secrets,
    idempotency: createIdempotencyStore(db, box, IDEMPOTENCY_TTL_MS),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
