import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Every id a runtime mints. One source per runtime: its random pool and ULID monotonicity are its own. */
export type IdSource = {
  /** `wh_` + a monotonic ULID. */
  webhookId(now: number): string;
  /** `evt_` + a monotonic ULID: event ids sort by publication order even within a millisecond. */
  eventId(now: number): string;
  /** A UUID version 7: delivery ids. */
  deliveryId(now: number): string;
};

/**
 * Uniform random bytes from a pooled CSPRNG buffer: ids are minted on every publish, and
 * one `randomBytes` call per id (or per character, as the ulid package does) costs more
 * than the rest of a publish.
 */
export function pooledRandomBytes(poolSize = 4096): (n: number) => Buffer {
  let pool = randomBytes(poolSize);
  let next = 0;
  return (n) => {
    if (next + n > pool.length) {
      pool = randomBytes(Math.max(poolSize, n));
      next = 0;
    }
    const bytes = pool.subarray(next, next + n);
    next += n;
    return bytes;
  };
}

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Delivery ids
 * are the primary key of the busiest table; time-ordered ids append to its index instead of
 * landing on a random page each time, as version 4 ids do.
 */
export function uuidV7(now: number, random: (n: number) => Buffer): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(Math.max(0, Math.floor(now)) % 2 ** 48, 0, 6);
  random(10).copy(bytes, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createIdSource(): IdSource {
  const random = pooledRandomBytes();
  const fraction = (): number => random(1)[0]! / 256;
  const webhookUlid = monotonicFactory(fraction);
  const eventUlid = monotonicFactory(fraction);
  return {
    webhookId: (now) => `wh_${webhookUlid(now)}`,
    eventId: (now) => `evt_${eventUlid(now)}`,
    deliveryId: (now) => uuidV7(now, random),
  };
}
