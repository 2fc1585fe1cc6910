/** What the delivery log keeps of a signature: `t=` as sent, each signature as this. */
export const REDACTED = '[redacted]';

/**
 * The headers as the delivery log keeps and shows them: every signature in `anchor-signature`
 * (each `v1=`, and any other scheme) replaced by `[redacted]`, `t=` kept. A logged signature
 * would let anyone who reads the log replay the delivery to the receiver within its tolerance;
 * a redelivery is signed afresh and needs none. Idempotent, so rows stored unredacted by an
 * earlier version are shown redacted too.
 */
export function redactSignatures(headers: Record<string, string>): Record<string, string> {
  const signature = headers['anchor-signature'];
  if (signature === undefined) return headers;
  const redacted = signature
    .split(',')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 || part.slice(0, at).trim() === 't' ? part : `${part.slice(0, at)}=${REDACTED}`;
    })
    .join(',');
  return { ...headers, 'anchor-signature': redacted };
}
