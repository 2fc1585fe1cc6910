import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Written from the spec's "Verifying signatures" alone, sharing no code with the server or the
 * client: v1 = lowercase hex HMAC-SHA256(key = UTF-8 secret, "v0:" + t + ":" + raw body).
 */
export function independentlyVerifies(secret: string, header: string, rawBody: Buffer): boolean {
  const parts = header.split(',').map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i), p.slice(i + 1)] as const;
  });
  const ts = parts.filter(([k]) => k === 't').map(([, v]) => v);
  const sigs = parts.filter(([k]) => k === 'v1').map(([, v]) => v);
  if (ts.length !== 1 || !/^\d+$/.test(ts[0]!) || sigs.length === 0) return false;
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.concat([Buffer.from(`v0:${ts[0]}:`, 'utf8'), rawBody]))
    .digest();
  return sigs.some((s) => /^[0-9a-f]{64}$/.test(s) && timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/** The `v1` a receiver expects for `secret`, computed the same independent way. */
export function independentV1(secret: string, header: string, rawBody: Buffer): string {
  const t = header.split(',').find((p) => p.startsWith('t='))!.slice(2);
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.concat([Buffer.from(`v0:${t}:`, 'utf8'), rawBody]))
    .digest('hex');
}

/** The `v1=` values of a header, in order. */
export const v1Values = (header: string): string[] => header.split(',').filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
