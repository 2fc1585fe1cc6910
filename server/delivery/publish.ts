import { ulid } from 'ulid';
import type { components } from '../../generated/schema.js';
import type { Clock } from '../clock.js';
import type { EventStore } from '../storage/events.js';
import type { DataIssue, EventCatalog, EventData, EventType } from './event-catalog.js';
import { defaultEventText } from './event-text.js';
import type { RetrySchedule } from './retry-schedule.js';
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
  /** Wakes the worker of this process; another process's worker finds the rows on its next poll. */
  notifier?: DeliveryNotifier;
};

export type Publisher = {
  /** Stores the event and one delivery per enabled webhook of the project subscribed to its type. */
  publish(input: PublishInput): Published;
  /** Sends an event of any catalog type, with its example data, to this one webhook only. */
  publishTest(input: { projectId: string; webhookId: string; type: EventType }): Published;
};

export function createPublisher(deps: PublisherDeps): Publisher {
  const { events, catalog, clock, retrySchedule, notifier } = deps;

  function store(input: PublishInput, onlyWebhookId?: string): Published {
    const data = input.data ?? catalog.exampleData(input.type);
    const issues = catalog.validateData(input.type, data);
    if (issues.length > 0) throw new InvalidEventDataError(input.type, issues);
    const now = clock.now();
    const id = `evt_${ulid(now)}`;
    // Serialised once: these exact bytes are stored, sent and signed on every attempt.
    const payload = JSON.stringify({
      id,
      type: input.type,
      created: new Date(now).toISOString(),
      project_id: input.projectId,
      text: input.text ?? defaultEventText(input.type, data),
      data,
    });
    const { deliveryIds } = events.publish(
      { id, projectId: input.projectId, type: input.type, payload, createdAt: now },
      { firstAttemptAt: now + (retrySchedule[0] ?? 0), ...(onlyWebhookId ? { onlyWebhookId } : {}) },
    );
    if (deliveryIds.length > 0) notifier?.notify();
    return { id, type: input.type, deliveryIds };
  }

  return {
    publish: (input) => store(input),
    publishTest: ({ projectId, webhookId, type }) => store({ projectId, type }, webhookId),
  };
}
