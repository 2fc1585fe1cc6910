import { Router } from 'express';
import type { operations } from '../../generated/schema.js';
import { projectIdOf } from '../auth.js';
import { InvalidEventDataError, type Publisher } from '../delivery/publish.js';
import { ProblemError } from '../problem.js';

type PublishEventRequest = operations['publishEvent']['requestBody']['content']['application/json'];
type PublishedEvent = operations['publishEvent']['responses'][202]['content']['application/json'];

/** publishEvent (reference server only): fan an event out to the project's subscribed webhooks. */
export function eventsRouter({ publisher }: { publisher: Publisher }): Router {
  const router = Router();
  router.post('/v1/events', async (req, res) => {
    const { type, data, text } = req.body as PublishEventRequest;
    try {
      // Group commit: concurrent publishes share one transaction.
      const published = await publisher.publishQueued({ projectId: projectIdOf(req), type, ...(data ? { data } : {}), ...(text ? { text } : {}) });
      const body: PublishedEvent = { id: published.id, type, delivery_count: published.deliveryIds.length };
      res.status(202).json(body);
    } catch (error) {
      if (!(error instanceof InvalidEventDataError)) throw error;
      throw new ProblemError('validation_failed', `The request is invalid: ${error.issues.map((i) => `body${i.path} ${i.message}`).join('; ')}.`, {
        errors: error.issues.map((i) => ({ location: 'body' as const, path: i.path, message: i.message })),
      });
    }
  });
  return router;
}
