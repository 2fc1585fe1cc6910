import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * AES-256-GCM for secrets at rest. Sealed layout: iv (12) | tag (16) | ciphertext.
 * `context` is authenticated data binding a ciphertext to its row (e.g. the webhook id),
 * so a sealed value copied to another row does not open.
 */
export type SecretBox = {
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer, context: string): string;
};

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
    },
    open(sealed, context) {
      const iv = sealed.subarray(0, IV_BYTES);
      const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** `data/anchor.sqlite` → `data/anchor.key`: beside the database, never inside it. */
export function keyFileFor(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath, extname(dbPath))}.key`);
}

export type SecretKeySource = { key: Buffer; source: 'env' | 'key-file-created' | 'key-file' | 'ephemeral'; path?: string };

/**
 * The key for secrets at rest: ANCHOR_SECRET_KEY when set; otherwise the key file beside the
 * database (created with mode 0600 on first use); an ephemeral key for `:memory:` databases.
 */
export function loadSecretKey(dbPath: string, envKey: Buffer | undefined): SecretKeySource {
  if (envKey) return { key: envKey, source: 'env' };
  if (dbPath === ':memory:') return { key: randomBytes(32), source: 'ephemeral' };
  const path = keyFileFor(dbPath);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    // 'wx' fails if another process created it meanwhile; then read theirs.
    try {
      writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      return { key, source: 'key-file-created', path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`The key file ${path} does not hold 64 hex characters`);
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { key: Buffer.from(text, 'hex'), source: 'key-file', path };
}
