import { createHash } from 'node:crypto';
import { previousSecretTtlSeconds, webhookLimit } from '../../generated/contract.js';
import type { components, operations } from '../../generated/schema.js';
import type { Clock } from '../clock.js';
import { asSentence, ProblemError } from '../problem.js';
import type { Stores } from '../storage/stores.js';
import { checkWebhookUrl } from '../url-policy/index.js';
import type { Resolver } from '../url-policy/types.js';
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

export type WebhookOperationsDeps = { stores: Stores; clock: Clock; resolver: Resolver; allowPrivateTargets: boolean };

/** `""` is no description, as `null` is: clients that cannot send null clear it with `""`. */
const descriptionOrNull = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

const notFound = () => new ProblemError('webhook_not_found', 'Webhook not found in this project.');

/** The management operations. Each is scoped to the caller's project and throws `ProblemError` for documented failures. */
export function webhookOperations({ stores, clock, resolver, allowPrivateTargets }: WebhookOperationsDeps) {
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

  // Expired idempotency records are ignored by lookups and deleted here, at most once a minute.
  let sweptAt = -Infinity;
  function sweepIdempotency(now: number): void {
    if (now - sweptAt < 60_000) return;
    sweptAt = now;
    stores.idempotency.sweep(now);
  }

  function replayOrReject(projectId: string, key: string, requestHash: string): { status: number; body: CreatedWebhook } | undefined {
    const stored = stores.idempotency.find(projectId, key, clock.now());
    if (!stored) return undefined;
    if (stored.requestHash !== requestHash) {
      throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
    }
    return { status: stored.status, body: JSON.parse(stored.body) as CreatedWebhook };
  }

  return {
    /** The settings that change which webhook URLs are accepted (reference server only). */
    serverInfo: (): ServerInfo => ({ allow_private_targets: allowPrivateTargets }),

    async create(
      projectId: string,
      request: CreateWebhookRequest,
      idempotencyKey: string | undefined,
    ): Promise<{ status: number; body: CreatedWebhook; replayed: boolean }> {
      const requestHash = idempotencyKey ? hashRequest(request) : '';
      if (idempotencyKey) {
        sweepIdempotency(clock.now());
        const replay = replayOrReject(projectId, idempotencyKey, requestHash);
        if (replay) return { ...replay, replayed: true };
      }
      const url = await allowedUrl(request.url);
      // Checked again inside the transaction: a concurrent retry may have finished meanwhile.
      return stores.transaction(() => {
        if (idempotencyKey) {
          const replay = replayOrReject(projectId, idempotencyKey, requestHash);
          if (replay) return { ...replay, replayed: true };
        }
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
        // Only successful creates are recorded: a failed one may be retried with the same key once fixed.
        if (idempotencyKey) stores.idempotency.save(projectId, idempotencyKey, { requestHash, status: 201, body: JSON.stringify(body) }, now);
        return { status: 201, body, replayed: false };
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

    remove(projectId: string, webhookId: string): DeletedWebhook {
      const deleted = stores.webhooks.softDelete(projectId, webhookId, clock.now()) ?? throwProblem(notFound());
      return { id: deleted.id, deleted: true, deleted_at: iso(deleted.deletedAt) };
    },

    rotateSecret(projectId: string, webhookId: string, request: RotateWebhookSecretRequest | undefined): RotatedWebhook {
      const ttlSeconds = request?.previous_secret_ttl_seconds ?? previousSecretTtlSeconds.default;
      return stores.transaction(() => {
        const webhook = stores.webhooks.get(projectId, webhookId) ?? throwProblem(notFound());
        const now = clock.now();
        const rotated = stores.secrets.rotate(webhookId, now, ttlSeconds * 1000);
        return { ...presentWebhook(webhook, now), secret: rotated.secret, previous_secret_expires_at: isoOrNull(rotated.previousExpiresAt) };
      });
    },
  };
}

export type WebhookOperations = ReturnType<typeof webhookOperations>;

function throwProblem(problem: ProblemError): never {
  throw problem;
}

/** Same body = same JSON value: key order and whitespace do not matter. */
function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
