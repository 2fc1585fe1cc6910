import { timingSafeEqual } from 'node:crypto';
import { getHeader, type HeadersInput } from './headers.js';
import { describeNonRawBody, isRawBody, rawBodyBytes, type RawBody } from './raw-body.js';
import { computeSignature } from './signature.js';
import { parseSignatureHeader } from './signature-header.js';
import type { WebhookEvent } from './webhook-event.js';
import { secretList, type WebhookSecrets } from './webhook-secrets.js';
import { WebhookVerificationError } from './webhook-verification-error.js';

/** The tolerance the spec asks receivers to apply to `t=`, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 120;

export type VerifySignatureOptions = WebhookSecrets & {
  /** The raw body, byte for byte as received. Never a parsed object. */
  body: RawBody;
  /** The `Anchor-Signature` header value. */
  signatureHeader: string | undefined;
  toleranceSeconds?: number;
  /** The receiver's clock; defaults to the current time. */
  now?: Date;
};

export type VerifyWebhookOptions = WebhookSecrets & {
  /**
   * The raw request body, byte for byte as received: a Buffer (e.g. from
   * `express.raw({ type: 'application/json' })`) or a string. A parsed object is a
   * type error: parsing and re-serialising JSON changes the bytes and breaks the signature.
   */
  body: RawBody;
  /** The request headers: a fetch `Headers`, node's `req.headers`, or a plain record (any letter case). */
  headers: HeadersInput;
  /** Accepted distance between `t=` and the receiver's clock, both ways. Default 120 s. */
  toleranceSeconds?: number;
  now?: Date;
};

function checkTolerance(toleranceSeconds: number): void {
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError(`toleranceSeconds must be a non-negative number, got ${toleranceSeconds}`);
  }
}

function assertRawBody(body: unknown): asserts body is RawBody {
  if (isRawBody(body)) return;
  throw new WebhookVerificationError(
    'body_not_raw',
    `body must be the raw request body (a Buffer, Uint8Array or string), got ${describeNonRawBody(body)}. ` +
      'Re-serialised JSON does not match the signature: read this route with express.raw({ type: "application/json" }) or the raw stream.',
  );
}

/**
 * Checks the `Anchor-Signature` header against the raw body: a matching `v1` for any of
 * the secrets (constant-time), then `t=` within the tolerance. Returns `t=`.
 */
export function verifySignature(options: VerifySignatureOptions): { timestamp: number } {
  const { body, signatureHeader: header, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = new Date() } = options;
  const secrets = secretList(options);
  checkTolerance(toleranceSeconds);
  assertRawBody(body);
  if (header === undefined || header === '') {
    throw new WebhookVerificationError('missing_header', 'the Anchor-Signature header is missing');
  }
  const { timestamp, signatures } = parseSignatureHeader(header);
  const bytes = rawBodyBytes(body);
  const received = signatures.map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  // No early exit: every comparison runs, whichever secret or position matches.
  for (const secret of secrets) {
    const expected = Buffer.from(computeSignature(secret, timestamp, bytes), 'hex');
    for (const candidate of received) if (timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      'no v1 signature matches the body with the given secret(s): check the secret, and that the body is the raw bytes received',
    );
  }
  // Checked after the signature so that a timestamp reason means "genuine but stale", not "forged".
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_old', `t= is ${age} s old; the tolerance is ${toleranceSeconds} s (a replay, or the receiver's clock is ahead)`);
  }
  if (-age > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_new', `t= is ${-age} s in the future; the tolerance is ${toleranceSeconds} s (the receiver's clock is behind)`);
  }
  return { timestamp };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a delivery body into its event. Only the envelope is checked (an object with a
 * string `type` and `id`); the fields of `data` are the spec's promise, not re-validated here.
 */
export function parseWebhookEvent(body: RawBody): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : utf8.decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_json', 'the body is not valid UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebhookVerificationError('invalid_json', 'the body is JSON but not an object');
  }
  const { type, id } = parsed as { type?: unknown; id?: unknown };
  if (typeof type !== 'string' || typeof id !== 'string') {
    throw new WebhookVerificationError('invalid_json', 'the body is JSON but not an Anchor event (no string `type` and `id`)');
  }
  return parsed as WebhookEvent;
}

/**
 * Verifies a delivery and returns its event, typed by `type`. Throws
 * `WebhookVerificationError` (answer 400) when the delivery must not be trusted.
 *
 * ```ts
 * const event = verifyWebhook({ body: req.body, headers: req.headers, secret });
 * if (event.type === 'task.failed') console.log(event.data.error.type);
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookEvent {
  verifySignature({ ...options, signatureHeader: getHeader(options.headers, 'anchor-signature') });
  return parseWebhookEvent(options.body);
}
