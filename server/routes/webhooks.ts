import type { Request } from 'express';
import { idempotencyKeyOf, sendAnswer } from '../http/answer.js';
import { projectIdOf } from '../http/auth.js';
import type { OperationHandlers } from '../http/operation-routes.js';
import type { CreateWebhookRequest, RotateWebhookSecretRequest, UpdateWebhookRequest, WebhookOperations } from '../operations/webhooks.js';

// The validator has checked every body, parameter and header against the spec before these run.
const webhookId = (req: Request) => String(req.params.webhook_id);

type WebhookOperationId = 'createWebhook' | 'listWebhooks' | 'getWebhook' | 'updateWebhook' | 'deleteWebhook' | 'rotateWebhookSecret' | 'getServerInfo';

/** createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret, and getServerInfo. */
export function webhookHandlers(ops: WebhookOperations): OperationHandlers<WebhookOperationId> {
  return {
    createWebhook: async (req, res) => {
      sendAnswer(res, await ops.create(projectIdOf(res), req.body as CreateWebhookRequest, idempotencyKeyOf(req)));
    },
    listWebhooks: (_req, res) => {
      res.json(ops.list(projectIdOf(res)));
    },
    getWebhook: (req, res) => {
      res.json(ops.get(projectIdOf(res), webhookId(req)));
    },
    updateWebhook: async (req, res) => {
      res.json(await ops.update(projectIdOf(res), webhookId(req), req.body as UpdateWebhookRequest));
    },
    deleteWebhook: (req, res) => {
      res.json(ops.remove(projectIdOf(res), webhookId(req)));
    },
    rotateWebhookSecret: (req, res) => {
      sendAnswer(res, ops.rotateSecret(projectIdOf(res), webhookId(req), req.body as RotateWebhookSecretRequest | undefined, idempotencyKeyOf(req)));
    },
    getServerInfo: (_req, res) => {
      res.json(ops.serverInfo());
    },
  };
}
