import type { operations } from '../../generated/schema.js';
import { InvalidEventDataError, type Publisher } from '../delivery/publish.js';
import { ProblemError } from '../problem.js';
import type { Answer, Idempotency } from './idempotency.js';

export type PublishEventRequest = operations['publishEvent']['requestBody']['content']['application/json'];
export type PublishedEvent = operations['publishEvent']['responses'][202]['content']['application/json'];

/** publishEvent (reference server only): fan an event out to the project's subscribed webhooks. */
export function eventOperations({ publisher, idempotency }: { publisher: Publisher; idempotency: Idempotency }) {
  return {
    async publish(projectId: string, request: PublishEventRequest, idempotencyKey?: string): Promise<Answer<PublishedEvent>> {
      const { type, data, text } = request;
      const input = { projectId, type, ...(data ? { data } : {}), ...(text ? { text } : {}) };
      try {
        if (idempotencyKey === undefined) {
          // Group commit: concurrent publishes share one transaction.
          const published = await publisher.publishQueued(input);
          return { status: 202, body: { id: published.id, type, delivery_count: published.deliveryIds.length }, replayed: false };
        }
        // With a key, the event and its record are written in one transaction, outside group commit.
        return idempotency.run(projectId, { operation: 'publishEvent', key: idempotencyKey, body: request }, () => {
          const published = publisher.publish(input);
          return { status: 202, body: { id: published.id, type, delivery_count: published.deliveryIds.length } };
        });
      } catch (error) {
        if (!(error instanceof InvalidEventDataError)) throw error;
        throw new ProblemError('validation_failed', `The request is invalid: ${error.issues.map((i) => `body${i.path} ${i.message}`).join('; ')}.`, {
          errors: error.issues.map((i) => ({ location: 'body' as const, path: i.path, message: i.message })),
        });
      }
    },
  };
}

export type EventOperations = ReturnType<typeof eventOperations>;
