import { randomBytes } from 'node:crypto';
import type { Database } from './database.js';
import type { SecretBox } from './secret-box.js';

/**
 * Webhook signing secrets, sealed with AES-256-GCM. A webhook has one current secret
 * (`expires_at` NULL) and, after a rotation, at most one previous secret until it expires.
 */
export type SecretsStore = {
  /** Stores a fresh current secret for a new webhook and returns it, to be shown once. */
  mint(webhookId: string, now: number): string;
  /**
   * Replaces the current secret. The old current secret stays valid for `previousTtlMs`
   * (0: revoked at once); an older previous secret is dropped, ending its overlap.
   */
  rotate(webhookId: string, now: number, previousTtlMs: number): { secret: string; previousExpiresAt: number | null };
  /**
   * Every secret valid at `now`, current first: the delivery worker signs with each. Decrypted
   * secrets are kept for at most a second (never past an expiry) and dropped at once on a rotation.
   */
  validSecrets(webhookId: string, now: number): string[];
  /** False when the configured key cannot open the stored secrets (wrong ANCHOR_SECRET_KEY or key file). */
  keyOpensStoredSecrets(): boolean;
};

/**
 * A stored secret that does not open for its webhook: it was sealed for another webhook's row
 * (AES-GCM authenticates the webhook id with it), or with another secret key.
 */
export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
  constructor(readonly webhookId: string) {
    super(
      `The signing secret stored for webhook ${webhookId} does not open: it was sealed for another webhook, or with another secret key than ANCHOR_SECRET_KEY or the key file holds. Nothing is signed with it; rotate the secret with previous_secret_ttl_seconds 0 to replace it.`,
    );
  }
}

/** 32 random bytes as lowercase hex, as `WebhookSecret` describes. */
export const generateSecret = (): string => randomBytes(32).toString('hex');

const context = (webhookId: string) => `webhook_secret:${webhookId}`;

/** How long decrypted secrets are reused: the worker signs many attempts a second to the same webhooks. */
const SECRETS_CACHE_MS = 1_000;
const SECRETS_CACHE_SIZE = 10_000;

export function createSecretsStore(db: Database, box: SecretBox): SecretsStore {
  const insert = db.prepare<[string, Buffer, number, number | null]>(
    'INSERT INTO webhook_secrets (webhook_id, sealed, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const dropPrevious = db.prepare<[string]>('DELETE FROM webhook_secrets WHERE webhook_id = ? AND expires_at IS NOT NULL');
  const dropCurrent = db.prepare<[string]>('DELETE FROM webhook_secrets WHERE webhook_id = ? AND expires_at IS NULL');
  const retireCurrent = db.prepare<[number, string]>('UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at IS NULL');
  const selectValid = db.prepare<[string, number], { sealed: Buffer; expires_at: number | null }>(
    'SELECT sealed, expires_at FROM webhook_secrets WHERE webhook_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY expires_at IS NOT NULL, id DESC',
  );
  /** Decrypted secrets by webhook, each valid until `until` (a second, or the next expiry if sooner). */
  const cache = new Map<string, { secrets: string[]; from: number; until: number }>();
  const selectLatest = db.prepare<[], { webhook_id: string; sealed: Buffer }>('SELECT webhook_id, sealed FROM webhook_secrets ORDER BY id DESC LIMIT 1');

  const mint = (webhookId: string, now: number): string => {
    const secret = generateSecret();
    insert.run(webhookId, box.seal(secret, context(webhookId)), now, null);
    return secret;
  };

  const rotate = db.transaction((webhookId: string, now: number, previousTtlMs: number) => {
    cache.delete(webhookId);
    dropPrevious.run(webhookId);
    let previousExpiresAt: number | null = null;
    if (previousTtlMs > 0) {
      previousExpiresAt = now + previousTtlMs;
      retireCurrent.run(previousExpiresAt, webhookId);
    } else {
      dropCurrent.run(webhookId);
    }
    return { secret: mint(webhookId, now), previousExpiresAt };
  });

  return {
    mint,
    rotate: (webhookId, now, previousTtlMs) => rotate.immediate(webhookId, now, previousTtlMs),
    validSecrets(webhookId, now) {
      const cached = cache.get(webhookId);
      if (cached && now >= cached.from && now < cached.until) return cached.secrets;
      const rows = selectValid.all(webhookId, now);
      const secrets = rows.map((row) => {
        try {
          return box.open(row.sealed, context(webhookId));
        } catch {
          throw new SealedSecretError(webhookId);
        }
      });
      const until = Math.min(now + SECRETS_CACHE_MS, ...rows.map((r) => r.expires_at ?? Number.POSITIVE_INFINITY));
      if (cache.size >= SECRETS_CACHE_SIZE) cache.clear();
      cache.set(webhookId, { secrets, from: now, until });
      return secrets;
    },
    keyOpensStoredSecrets() {
      const row = selectLatest.get();
      if (!row) return true;
      try {
        box.open(row.sealed, context(row.webhook_id));
        return true;
      } catch {
        return false;
      }
    },
  };
}
