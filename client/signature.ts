import { createHmac } from 'node:crypto';
import type { RawBody } from './raw-body.js';

// The one implementation of Anchor's signature scheme, shared by the client, the
// reference server's delivery worker and `listen`:
//   v1 = lowercase hex HMAC-SHA256(key = UTF-8 bytes of the secret as returned,
//                                  message = "v0:" + t + ":" + raw body)
// The secret is used as text, never hex-decoded.

/** Largest plausible Unix time in seconds; anything bigger is almost surely milliseconds. */
const MAX_UNIX_SECONDS = 99_999_999_999;

export function assertUnixSeconds(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(`timestamp must be a whole number of Unix seconds, got ${timestamp}`);
  }
  if (timestamp > MAX_UNIX_SECONDS) {
    throw new TypeError(`timestamp ${timestamp} looks like milliseconds; pass Unix seconds (Math.floor(ms / 1000))`);
  }
}

export function assertSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('a webhook secret must be a non-empty string');
}

/** The hex `v1` signature of `body` signed at `timestamp` (Unix seconds) with `secret`. */
export function computeSignature(secret: string, timestamp: number, body: RawBody): string {
  assertSecret(secret);
  assertUnixSeconds(timestamp);
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`v0:${timestamp}:`, 'utf8').update(body).digest('hex');
}

/** The `Anchor-Signature` value: `t=<timestamp>,v1=<hex>` with one `v1` per secret, in the order given. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: RawBody): string {
  if (secrets.length === 0) throw new TypeError('at least one secret is needed to sign');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, body)}`)].join(',');
}
