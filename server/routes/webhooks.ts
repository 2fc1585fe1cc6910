import type { IRouter, Request } from 'express';
import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import type { CreateWebhookRequest, RotateWebhookSecretRequest, UpdateWebhookRequest, WebhookOperations } from '../operations/webhooks.js';

// The validator has checked every body, parameter and header against the spec before these run.
const webhookId = (req: Request) => String(req.params.webhook_id);

/** createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret, and getServerInfo. */
export function webhookRoutes(router: IRouter, ops: WebhookOperations): void {

  router.post('/v1/webhooks', async (req, res) => {
    sendAnswer(res, await ops.create(projectIdOf(res), req.body as CreateWebhookRequest, idempotencyKeyOf(req)));
  });

  router.get('/v1/webhooks', (_req, res) => {
    res.json(ops.list(projectIdOf(res)));
  });

  router.get('/v1/webhooks/:webhook_id', (req, res) => {
    res.json(ops.get(projectIdOf(res), webhookId(req)));
  });

  router.patch('/v1/webhooks/:webhook_id', async (req, res) => {
    res.json(await ops.update(projectIdOf(res), webhookId(req), req.body as UpdateWebhookRequest));
  });

  router.delete('/v1/webhooks/:webhook_id', (req, res) => {
    res.json(ops.remove(projectIdOf(res), webhookId(req)));
  });

  router.post('/v1/webhooks/:webhook_id/rotate-secret', (req, res) => {
    sendAnswer(res, ops.rotateSecret(projectIdOf(res), webhookId(req), req.body as RotateWebhookSecretRequest | undefined, idempotencyKeyOf(req)));
  });

  router.get('/v1/server-info', (_req, res) => {
    res.json(ops.serverInfo());
  });

}
