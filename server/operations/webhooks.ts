import { previousSecretTtlSeconds, webhookLimit } from '../../generated/contract.js';
import type { components, operations } from '../../generated/schema.js';
import type { Clock } from '../clock.js';
import { asSentence, ProblemError } from '../problem.js';
import type { Stores } from '../storage/stores.js';
import { checkWebhookUrl } from '../url-policy/index.js';
import type { Resolver } from '../url-policy/types.js';
import type { Answer, Idempotency } from './idempotency.js';
import { iso, isoOrNull, presentWebhook, type WebhookPublic } from './present.js';

type Json<Op extends keyof operations, Status extends number> = operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer T } }>
  ? T
  : never;

export type CreateWebhookRequest = components['schemas']['CreateWebhookRequest'];
export type UpdateWebhookRequest = components['schemas']['UpdateWebhookRequest'];
export type RotateWebhookSecretRequest = components['schemas']['RotateWebhookSecretRequest'];
export type CreatedWebhook = Json<'createWebhook', 201>;
export type WebhookListEnvelope = Json<'listWebhooks', 200>;
export type UpdatedWebhook = Json<'updateWebhook', 200>;
export type DeletedWebhook = Json<'deleteWebhook', 200>;
export type RotatedWebhook = Json<'rotateWebhookSecret', 200>;
export type ServerInfo = Json<'getServerInfo', 200>;

export type WebhookOperationsDeps = { stores: Stores; clock: Clock; resolver: Resolver; allowPrivateTargets: boolean; idempotency: Idempotency };

/** `""` is no description, as `null` is: clients that cannot send null clear it with `""`. */
const descriptionOrNull = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

const notFound = () => new ProblemError('webhook_not_found', 'Webhook not found in this project.');

/** The management operations. Each is scoped to the caller's project and throws `ProblemError` for documented failures. */
export function webhookOperations({ stores, clock, resolver, allowPrivateTargets, idempotency }: WebhookOperationsDeps) {
  /** The URL rules; a rejection names its rule in `detail`. Returns the normalised URL. */
  async function allowedUrl(rawUrl: string): Promise<string> {
    const verdict = await checkWebhookUrl(rawUrl, { resolver, allowPrivateTargets });
    if (!verdict.ok) {
      // `detail` names the rule, as documented; `errors[]` places the sentence on the field.
      const issue = { location: 'body' as const, path: '/url', message: asSentence(verdict.detail), rule: verdict.rule };
      throw new ProblemError('url_not_allowed', `${verdict.rule}: ${verdict.detail}`, { errors: [issue] });
    }
    return verdict.url;
  }

  return {
    /** The settings that change which webhook URLs are accepted (reference server only). */
    serverInfo: (): ServerInfo => ({ allow_private_targets: allowPrivateTargets }),

    /** With an `Idempotency-Key`, a retry gets the first answer, secret included, while that secret is current. */
    async create(projectId: string, request: CreateWebhookRequest, idempotencyKey: string | undefined): Promise<Answer<CreatedWebhook>> {
      const keyed = { operation: 'createWebhook', key: idempotencyKey, body: request };
      // A retry is answered before the URL is resolved again; `run` checks once more, in its transaction.
      const replay = idempotency.replay<CreatedWebhook>(projectId, keyed);
      if (replay) return replay;
      const url = await allowedUrl(request.url);
      return idempotency.run(projectId, keyed, () => {
        const now = clock.now();
        const input = { url, subscribed_events: request.subscribed_events, description: descriptionOrNull(request.description) };
        const created = stores.webhooks.create(projectId, input, now, webhookLimit);
        if (!created) {
          throw new ProblemError(
            'webhook_limit_reached',
            `This project already has ${webhookLimit} webhooks; delete one before creating another.`,
          );
        }
        const body: CreatedWebhook = { ...presentWebhook(created.webhook, now), secret: created.secret };
        return { status: 201, body, webhookId: created.webhook.id, holdsSecret: true };
      });
    },

    list(projectId: string): WebhookListEnvelope {
      const now = clock.now();
      const items = stores.webhooks.list(projectId).map((row) => presentWebhook(row, now));
      return { data: { count: items.length, items } };
    },

    get(projectId: string, webhookId: string): WebhookPublic {
      return presentWebhook(stores.webhooks.get(projectId, webhookId) ?? throwProblem(notFound()), clock.now());
    },

    async update(projectId: string, webhookId: string, request: UpdateWebhookRequest): Promise<UpdatedWebhook> {
      // Existence first: a missing webhook is 404 whatever its body says.
      if (!stores.webhooks.get(projectId, webhookId)) throw notFound();
      const url = request.url !== undefined ? await allowedUrl(request.url) : undefined;
      const changes = {
        ...(url !== undefined ? { url } : {}),
        ...(request.subscribed_events !== undefined ? { subscribed_events: request.subscribed_events } : {}),
        ...(request.description !== undefined ? { description: descriptionOrNull(request.description) } : {}),
        ...(request.enabled !== undefined ? { enabled: request.enabled } : {}),
      };
      const now = clock.now();
      return presentWebhook(stores.webhooks.update(projectId, webhookId, changes, now) ?? throwProblem(notFound()), now);
    },

    /** A soft delete; no answer about the webhook is replayed any more (`idempotency_key_expired`). */
    remove(projectId: string, webhookId: string): DeletedWebhook {
      return stores.transaction(() => {
        const deleted = stores.webhooks.softDelete(projectId, webhookId, clock.now()) ?? throwProblem(notFound());
        idempotency.forget(deleted.id, 'webhook_deleted');
        return { id: deleted.id, deleted: true, deleted_at: iso(deleted.deletedAt) };
      });
    },

    /**
     * A new current secret. With an `Idempotency-Key`, a retry gets the same new secret and
     * rotates nothing again: a second rotation would end the overlap of the secret the receiver
     * still holds. An earlier answer showing a secret that is no longer current is not replayed.
     */
    rotateSecret(projectId: string, webhookId: string, request: RotateWebhookSecretRequest | undefined, idempotencyKey: string | undefined): Answer<RotatedWebhook> {
      const keyed = { operation: 'rotateWebhookSecret', key: idempotencyKey, params: { webhook_id: webhookId }, body: request ?? {} };
      return idempotency.run(projectId, keyed, () => {
        const ttlSeconds = request?.previous_secret_ttl_seconds ?? previousSecretTtlSeconds.default;
        const webhook = stores.webhooks.get(projectId, webhookId) ?? throwProblem(notFound());
        const now = clock.now();
        const rotated = stores.secrets.rotate(webhookId, now, ttlSeconds * 1000);
        idempotency.forget(webhookId, 'secret_rotated');
        const body: RotatedWebhook = { ...presentWebhook(webhook, now), secret: rotated.secret, previous_secret_expires_at: isoOrNull(rotated.previousExpiresAt) };
        return { status: 200, body, webhookId, holdsSecret: true };
      });
    },
  };
}

export type WebhookOperations = ReturnType<typeof webhookOperations>;

function throwProblem(problem: ProblemError): never {
  throw problem;
}
