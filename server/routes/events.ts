import type { IRouter } from 'express';
import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import type { EventOperations, PublishEventRequest } from '../operations/events.js';

/** publishEvent (reference server only). */
export function eventRoutes(router: IRouter, ops: EventOperations): void {
  router.post('/v1/events', async (req, res) => {
    sendAnswer(res, await ops.publish(projectIdOf(res), req.body as PublishEventRequest, idempotencyKeyOf(req)));
  });
}
