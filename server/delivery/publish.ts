import type { components } from '../../generated/schema.js';
import type { Clock } from '../clock.js';
import type { RetrySchedule } from '../durations.js';
import { JSON_DEPTH_LIMIT, tooDeepAt } from '../json-depth.js';
import type { EventStore, FanOut, NewEvent } from '../storage/events.js';
import type { IdSource } from '../storage/ids.js';
import type { DataIssue, EventCatalog, EventData, EventType } from './event-catalog.js';
import { defaultEventText } from './event-text.js';
import type { DeliveryNotifier } from './worker.js';

/** The body every attempt sends: one of the spec's `<Type>Event` envelopes. */
export type EventEnvelope = components['schemas']['WebhookEvent'];

export type PublishInput = {
  projectId: string;
  type: EventType;
  /** Validated against the type's payload schema; the type's example when absent. */
  data?: EventData;
  /** One-line summary; derived from the type and data when absent. */
  text?: string;
};

export type Published = { id: string; type: EventType; deliveryIds: string[] };

/** `data` that breaks the type's payload schema; nothing was stored. */
export class InvalidEventDataError extends Error {
  override name = 'InvalidEventDataError';
  constructor(
    readonly type: EventType,
    readonly issues: DataIssue[],
  ) {
    super(`data does not match the payload schema of ${type}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  }
}

export type PublisherDeps = {
  events: EventStore;
  catalog: EventCatalog;
  clock: Clock;
  retrySchedule: RetrySchedule;
  ids: Pick<IdSource, 'eventId'>;
  /** Wakes the worker of this process; another process's worker finds the rows on its next poll. */
  notifier?: DeliveryNotifier;
};

export type Publisher = {
  /** Stores the event and one delivery per enabled webhook of the project subscribed to its type. */
  publish(input: PublishInput): Published;
  /**
   * `publish` with group commit: events published in the same turn of the event loop are
   * stored in one transaction, and each promise resolves once its event is durable. Invalid
   * data rejects at once. For request handlers, where many publishes arrive together.
   */
  publishQueued(input: PublishInput): Promise<Published>;
  /** Sends an event of any catalog type, with its example data, to this one webhook only. */
  publishTest(input: { projectId: string; webhookId: string; type: EventType }): Published;
};

type Prepared = { event: NewEvent; fanOut: FanOut; type: EventType };
type Queued = Prepared & { resolve(published: Published): void; reject(error: unknown): void };

export function createPublisher(deps: PublisherDeps): Publisher {
  const { events, catalog, clock, retrySchedule, ids, notifier } = deps;
  let queue: Queued[] = [];
  /** Each type's example, copied and serialised once (with its default text): it is the same for every publish. */
  type Example = { data: EventData; dataJson: string; text: string };
  const examples = new Map<EventType, Example>();
  const exampleOf = (type: EventType): Example => {
    let example = examples.get(type);
    if (!example) {
      const data = catalog.exampleData(type);
      examples.set(type, (example = { data, dataJson: JSON.stringify(data), text: defaultEventText(type, data) }));
    }
    return example;
  };

  /**
   * Validates, then serialises the event: the envelope's bytes are fixed here, once. Nothing walks
   * `data` before its depth is checked, and nothing is serialised before the whole envelope is
   * checked against the type's `<Type>Event` schema.
   */
  function prepare(input: PublishInput, onlyWebhookId?: string): Prepared {
    const example = input.data === undefined ? exampleOf(input.type) : undefined;
    const data = example?.data ?? input.data!;
    // The envelope wraps `data` in one more level: together they stay within the JSON depth limit.
    const deep = example ? null : tooDeepAt(data, JSON_DEPTH_LIMIT - 1);
    if (deep !== null) {
      throw new InvalidEventDataError(input.type, [{ path: `/data${deep}`, message: `is nested more than ${JSON_DEPTH_LIMIT} levels deep in the event (the limit)` }]);
    }
    const now = clock.now();
    const id = ids.eventId(now);
    const created = new Date(now).toISOString();
    const text = input.text ?? example?.text ?? defaultEventText(input.type, data);
    const issues = catalog.validateEvent({ id, type: input.type, created, project_id: input.projectId, text, data });
    if (issues.length > 0) throw new InvalidEventDataError(input.type, issues);
    // Serialised once: these exact bytes are stored, sent and signed on every attempt. The same
    // text as JSON.stringify of { id, type, created, project_id, text, data }, with the example's
    // `data` serialised beforehand (once per type).
    const payload =
      `{"id":${JSON.stringify(id)},"type":${JSON.stringify(input.type)},"created":${JSON.stringify(created)}` +
      `,"project_id":${JSON.stringify(input.projectId)},"text":${JSON.stringify(text)},"data":${example?.dataJson ?? JSON.stringify(data)}}`;
    return {
      type: input.type,
      event: { id, projectId: input.projectId, type: input.type, payload, createdAt: now },
      fanOut: { firstAttemptAt: now + (retrySchedule[0] ?? 0), ...(onlyWebhookId ? { onlyWebhookId } : {}) },
    };
  }

  const published = (p: Prepared, deliveryIds: string[]): Published => ({ id: p.event.id, type: p.type, deliveryIds });

  function storeNow(p: Prepared): Published {
    const { deliveryIds } = events.publish(p.event, p.fanOut);
    if (deliveryIds.length > 0) {
      notifier?.published?.(p.event.payload, deliveryIds);
      notifier?.notify();
    }
    return published(p, deliveryIds);
  }

  function flush(): void {
    const batch = queue;
    queue = [];
    let results: Array<{ deliveryIds: string[] }>;
    try {
      results = events.publishMany(batch);
    } catch {
      // One bad event must not fail the others: store each on its own.
      for (const q of batch) {
        try {
          q.resolve(storeNow(q));
        } catch (error) {
          q.reject(error);
        }
      }
      return;
    }
    let any = false;
    batch.forEach((q, i) => {
      const { deliveryIds } = results[i]!;
      if (deliveryIds.length > 0) {
        any = true;
        notifier?.published?.(q.event.payload, deliveryIds);
      }
      q.resolve(published(q, deliveryIds));
    });
    if (any) notifier?.notify();
  }

  return {
    publish: (input) => storeNow(prepare(input)),
    publishQueued(input) {
      let prepared: Prepared;
      try {
        prepared = prepare(input);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<Published>((resolve, reject) => {
        if (queue.push({ ...prepared, resolve, reject }) === 1) setImmediate(flush);
      });
    },
    publishTest: ({ projectId, webhookId, type }) => storeNow(prepare({ projectId, type }, webhookId)),
  };
}
