import type { operations } from '../../generated/schema.js';
import { InvalidEventDataError, type Publisher } from '../delivery/publish.js';
import { ProblemError } from '../problem.js';

export type PublishEventRequest = operations['publishEvent']['requestBody']['content']['application/json'];
export type PublishedEvent = operations['publishEvent']['responses'][202]['content']['application/json'];

/** publishEvent (reference server only): fan an event out to the project's subscribed webhooks. */
export function eventOperations({ publisher }: { publisher: Publisher }) {
  return {
    async publish(projectId: string, { type, data, text }: PublishEventRequest): Promise<PublishedEvent> {
      try {
        // Group commit: concurrent publishes share one transaction.
        const published = await publisher.publishQueued({ projectId, type, ...(data ? { data } : {}), ...(text ? { text } : {}) });
        return { id: published.id, type, delivery_count: published.deliveryIds.length };
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
