import type { Database } from 'better-sqlite3';
import type { IdSource } from './ids.js';

export type NewEvent = {
  id: string;
  projectId: string;
  type: string;
  /** The exact body every attempt sends and signs. */
  payload: string;
  createdAt: number;
};

export type FanOut = {
  /** When the first attempt of each delivery is due. */
  firstAttemptAt: number;
  /** Send to this webhook only, whatever it subscribes to (test events); otherwise to every subscriber. */
  onlyWebhookId?: string;
};

export type EventStore = {
  /**
   * Stores the event and one pending delivery per enabled, live webhook of its project that gets
   * it, in one transaction: either the event and all its deliveries exist, or nothing does.
   */
  publish(event: NewEvent, fanOut: FanOut): { deliveryIds: string[] };
  /** `publish` for several events in one transaction: all of them are stored, or none. */
  publishMany(items: ReadonlyArray<{ event: NewEvent; fanOut: FanOut }>): Array<{ deliveryIds: string[] }>;
};

export function createEventStore(db: Database, ids: Pick<IdSource, 'deliveryId'>): EventStore {
  const insertEvent = db.prepare(
    'INSERT INTO events (id, project_id, type, payload, created_at) VALUES (@id, @projectId, @type, @payload, @createdAt)',
  );
  const subscribers = db.prepare<{ projectId: string; type: string }, { id: string }>(`
    SELECT id FROM webhooks
    WHERE project_id = @projectId AND enabled = 1 AND deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM json_each(webhooks.subscribed_events) WHERE value = @type)
    ORDER BY created_at, id`);
  const oneWebhook = db.prepare<{ projectId: string; webhookId: string }, { id: string }>(
    'SELECT id FROM webhooks WHERE id = @webhookId AND project_id = @projectId AND enabled = 1 AND deleted_at IS NULL',
  );
  const insertDelivery = db.prepare(`
    INSERT INTO deliveries (id, event_id, webhook_id, project_id, event_type, status, next_attempt_at, created_at, updated_at)
    VALUES (@id, @eventId, @webhookId, @projectId, @type, 'pending', @firstAttemptAt, @createdAt, @createdAt)`);

  type Targets = Array<{ id: string }>;
  /** `subscribersOf`: within one transaction, a project's subscribers to a type are read once. */
  const publishOne = (event: NewEvent, fanOut: FanOut, subscribersOf: (projectId: string, type: string) => Targets) => {
    insertEvent.run(event);
    const targets = fanOut.onlyWebhookId
      ? oneWebhook.all({ projectId: event.projectId, webhookId: fanOut.onlyWebhookId })
      : subscribersOf(event.projectId, event.type);
    const deliveryIds = targets.map(({ id: webhookId }) => {
      const id = ids.deliveryId(event.createdAt);
      insertDelivery.run({ id, eventId: event.id, webhookId, projectId: event.projectId, type: event.type, firstAttemptAt: fanOut.firstAttemptAt, createdAt: event.createdAt });
      return id;
    });
    return { deliveryIds };
  };
  const readSubscribers = (projectId: string, type: string) => subscribers.all({ projectId, type });
  const publish = db.transaction((event: NewEvent, fanOut: FanOut) => publishOne(event, fanOut, readSubscribers));
  const publishMany = db.transaction((items: ReadonlyArray<{ event: NewEvent; fanOut: FanOut }>) => {
    // Nothing in this transaction changes webhooks, so one read per project and type holds for all.
    const seen = new Map<string, Targets>();
    const subscribersOf = (projectId: string, type: string) => {
      const key = `${projectId}\n${type}`;
      let targets = seen.get(key);
      if (!targets) seen.set(key, (targets = readSubscribers(projectId, type)));
      return targets;
    };
    return items.map((i) => publishOne(i.event, i.fanOut, subscribersOf));
  });

  return {
    publish: (event, fanOut) => publish.immediate(event, fanOut),
    publishMany: (items) => publishMany.immediate(items),
  };
}
