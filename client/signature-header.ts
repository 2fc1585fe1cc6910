import { WebhookVerificationError } from './webhook-verification-error.js';

export interface ParsedSignatureHeader {
  /** `t=`, Unix seconds. */
  timestamp: number;
  /** Every `v1=` value, lowercase hex, in header order. */
  signatures: string[];
}

// Real headers carry one or two signatures; the cap keeps a hostile header cheap to reject.
const MAX_HEADER_LENGTH = 4096;
const V1 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,11}$/;

const malformed = (why: string) => new WebhookVerificationError('malformed_header', `Anchor-Signature is malformed: ${why}`);

/**
 * Parses `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`. Exactly one `t`, at least one `v1`;
 * unknown schemes (`v0=`, a future `v2=`) are ignored so a new scheme can be added
 * alongside `v1` without breaking receivers.
 */
export function parseSignatureHeader(header: string): ParsedSignatureHeader {
  if (header.length > MAX_HEADER_LENGTH) throw malformed(`longer than ${MAX_HEADER_LENGTH} characters`);
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const rawPart of header.split(',')) {
    const part = rawPart.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed(part === '' ? 'empty element' : `element "${part.slice(0, 16)}" is not key=value`);
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 't') {
      if (timestamp !== undefined) throw malformed('t= appears more than once');
      if (!UNIX_SECONDS.test(value)) throw malformed('t= is not Unix seconds');
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!V1.test(value)) throw malformed('a v1= value is not 64 lowercase hex characters');
      signatures.push(value);
    }
  }
  if (timestamp === undefined) throw malformed('no t= element');
  if (signatures.length === 0) throw malformed('no v1= signature');
  return { timestamp, signatures };
}
