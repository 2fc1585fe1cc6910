import type { Clock } from '../clock.js';
import { openDatabase, type Database } from './database.js';
import { createDeliveryStore, type DeliveryStore } from './deliveries.js';
import { createEventStore, type EventStore } from './events.js';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { createIdSource, type IdSource } from './ids.js';
import { createProjectsStore, type ProjectsStore } from './projects.js';
import { createSecretBox, loadSecretKey } from './secret-box.js';
import { createSecretsStore, type SecretsStore } from './secrets.js';
import { createWebhooksStore, type WebhooksStore } from './webhooks.js';

/** How long a create with an Idempotency-Key is replayed (the spec's "within 24 hours"). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Every store over one database; handlers, the publisher and the worker use these and never SQL. */
export type Stores = {
  db: Database;
  projects: ProjectsStore;
  webhooks: WebhooksStore;
  secrets: SecretsStore;
  idempotency: IdempotencyStore;
  events: EventStore;
  deliveries: DeliveryStore;
  /** Runs `fn` in one IMMEDIATE transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T;
};

export function createStores(db: Database, clock: Clock, secretKey: Buffer, ids: IdSource = createIdSource()): Stores {
  const box = createSecretBox(secretKey);
  const secrets = createSecretsStore(db, box);
  return {
    db,
    projects: createProjectsStore(db, clock),
    webhooks: createWebhooksStore(db, secrets, ids),
    secrets,
    idempotency: createIdempotencyStore(db, box, IDEMPOTENCY_TTL_MS),
    events: createEventStore(db, ids),
    deliveries: createDeliveryStore(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}

export type StorageConfig = { dbPath: string; secretKey: Buffer | undefined };

/** The stores for a database with the configured secret key (ANCHOR_SECRET_KEY or the key file beside it). */
export function openStores(db: Database, clock: Clock, config: StorageConfig, ids?: IdSource): Stores {
  const stores = createStores(db, clock, loadSecretKey(config.dbPath, config.secretKey).key, ids);
  if (!stores.secrets.keyOpensStoredSecrets()) {
    throw new Error(
      `The secret key does not open the secrets stored in ${config.dbPath}: set the ANCHOR_SECRET_KEY (or restore the key file) this database was created with.`,
    );
  }
  return stores;
}

/** Opens the database file and its stores together, closing the file again if the key does not fit. */
export function openStorage(clock: Clock, config: StorageConfig, ids?: IdSource): Stores {
  const db = openDatabase(config.dbPath);
  try {
    return openStores(db, clock, config, ids);
  } catch (error) {
    db.close();
    throw error;
  }
}
