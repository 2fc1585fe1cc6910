import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { ProblemError } from '../problem.js';
import type { GoneReason, IdempotencyScope } from '../storage/idempotency.js';
import type { Stores } from '../storage/stores.js';

/** An answer of a POST, first given or replayed. */
export type Answer<T> = { status: number; body: T; replayed: boolean };

/** What a POST is asked, for telling a retry from another request: its path parameters and body. */
export type KeyedRequest = { operation: string; key: string | undefined; params?: Record<string, string>; body?: unknown };

/** A successful answer to record, and what it is about. */
export type Outcome<T> = { status: number; body: T; webhookId?: string; holdsSecret?: boolean };

const GONE: Record<GoneReason, string> = {
  webhook_deleted: 'The webhook this Idempotency-Key acted on has since been deleted; its answer is not replayed.',
  secret_rotated: "This Idempotency-Key's answer held a signing secret that has since been rotated away; it is not replayed. Rotate again to get a current secret.",
};

/**
 * `Idempotency-Key` on every POST, as Stripe and Svix do: within 24 hours, the same key with the
 * same request (path parameters and body, as a JSON value) gets the first successful answer
 * again; with another request, 422 `idempotency_key_reused`. Keys are scoped per project and
 * per operation. A replay never resurrects what is gone: once the webhook an answer is about is
 * deleted, or the secret it showed is rotated away, the stored answer is dropped and the key
 * answers 409 `idempotency_key_expired`.
 */
export function idempotency({ stores, clock }: { stores: Stores; clock: Clock }) {
  // Expired records are ignored by lookups and deleted here, at most once a minute.
  let sweptAt = -Infinity;
  const sweep = (now: number) => {
    if (now - sweptAt < 60_000) return;
    sweptAt = now;
    stores.idempotency.sweep(now);
  };

  const scopeOf = (projectId: string, request: KeyedRequest): IdempotencyScope | undefined =>
    request.key === undefined ? undefined : { projectId, operation: request.operation, key: request.key };

  const hashOf = (request: KeyedRequest) => createHash('sha256').update(canonicalJson({ params: request.params ?? {}, body: request.body ?? null })).digest('hex');

  /** The first answer for this key and request; undefined when there is none (or no key). Throws 422 and 409. */
  function replay<T>(projectId: string, request: KeyedRequest): Answer<T> | undefined {
    const scope = scopeOf(projectId, request);
    if (!scope) return undefined;
    const now = clock.now();
    sweep(now);
    const stored = stores.idempotency.find(scope, now);
    if (!stored) return undefined;
    if (stored.requestHash !== hashOf(request)) {
      throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request to this operation.');
    }
    if (stored.gone) throw new ProblemError('idempotency_key_expired', GONE[stored.gone]);
    return { status: stored.status, body: JSON.parse(stored.body) as T, replayed: true };
  }

  return {
    replay,

    /**
     * Replays, or runs `act` and records its answer, in one transaction: concurrent retries
     * with one key do the work once. Only successful answers are recorded (a thrown problem is
     * not), so a refused request can be fixed and retried with its key.
     */
    run<T>(projectId: string, request: KeyedRequest, act: () => Outcome<T>): Answer<T> {
      return stores.transaction(() => {
        const replayed = replay<T>(projectId, request);
        if (replayed) return replayed;
        const outcome = act();
        const scope = scopeOf(projectId, request);
        if (scope) {
          const { status, body, webhookId, holdsSecret } = outcome;
          stores.idempotency.save(scope, { requestHash: hashOf(request), status, body: JSON.stringify(body), ...(webhookId ? { webhookId } : {}), holdsSecret: Boolean(holdsSecret) }, clock.now());
        }
        return { status: outcome.status, body: outcome.body, replayed: false };
      });
    },

    /** Drops the stored answers about a webhook that is gone, or that show a secret rotated away. */
    forget(webhookId: string, reason: GoneReason): void {
      stores.idempotency.forget(webhookId, reason);
    },
  };
}

export type Idempotency = ReturnType<typeof idempotency>;

/** Same request = same JSON value: key order and whitespace do not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
