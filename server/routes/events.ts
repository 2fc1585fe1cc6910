import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import type { OperationHandlers } from '../http/operation-routes.js';
import type { EventOperations, PublishEventRequest } from '../operations/events.js';

/** publishEvent (reference server only). */
export function eventHandlers(ops: EventOperations): OperationHandlers<'publishEvent'> {
  return {
    publishEvent: async (req, res) => {
      sendAnswer(res, await ops.publish(projectIdOf(res), req.body as PublishEventRequest, idempotencyKeyOf(req)));
    },
  };
}
