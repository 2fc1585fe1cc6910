import { Router, type Request } from 'express';
import { projectIdOf } from '../auth.js';
import type { CreateWebhookRequest, RotateWebhookSecretRequest, UpdateWebhookRequest, WebhookOperations } from '../operations/webhooks.js';

/** Header a replayed idempotent create carries, as Stripe does; not part of the contract. */
export const IDEMPOTENT_REPLAY_HEADER = 'Idempotent-Replayed';

// The validator has checked every body, parameter and header against the spec before these run.
const webhookId = (req: Request) => String(req.params.webhook_id);

/** createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret. */
export function webhooksRouter(ops: WebhookOperations): Router {
  const router = Router();

  router.post('/v1/webhooks', async (req, res) => {
    const idempotencyKey = req.get('idempotency-key');
    const result = await ops.create(projectIdOf(req), req.body as CreateWebhookRequest, idempotencyKey);
    if (result.replayed) res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
    res.status(result.status).json(result.body);
  });

  router.get('/v1/webhooks', (req, res) => {
    res.json(ops.list(projectIdOf(req)));
  });

  router.get('/v1/webhooks/:webhook_id', (req, res) => {
    res.json(ops.get(projectIdOf(req), webhookId(req)));
  });

  router.patch('/v1/webhooks/:webhook_id', async (req, res) => {
    res.json(await ops.update(projectIdOf(req), webhookId(req), req.body as UpdateWebhookRequest));
  });

  router.delete('/v1/webhooks/:webhook_id', (req, res) => {
    res.json(ops.remove(projectIdOf(req), webhookId(req)));
  });

  router.post('/v1/webhooks/:webhook_id/rotate-secret', (req, res) => {
    res.json(ops.rotateSecret(projectIdOf(req), webhookId(req), req.body as RotateWebhookSecretRequest | undefined));
  });

  return router;
}
