import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  parseSignatureHeader,
  signWebhook,
  verifySignature,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEvent,
  type WebhookVerificationReason,
} from '../../client/index.js';
import { MALFORMED_SIGNATURE_HEADERS } from './support/malformed-signature-headers.js';
import { atSecond, loadVectors } from './support/vectors.js';

const vectors = loadVectors();
const published = vectors.find((v) => v.name === 'published')!;
const rotation = vectors.find((v) => v.name === 'rotation-two-secrets')!;
const SECRET = published.secrets[0]!;
const NOW = atSecond(published.timestamp);

function reasonOf(fn: () => unknown): WebhookVerificationReason | 'did not throw' {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'did not throw';
}

const verifyPublished = (overrides: { body?: unknown; header?: string | undefined; secret?: string; now?: Date }) =>
  verifyWebhook({
    body: (overrides.body ?? published.body) as string,
    headers: overrides.header === undefined && 'header' in overrides ? {} : { 'anchor-signature': overrides.header ?? published.expected_header },
    secret: overrides.secret ?? SECRET,
    now: overrides.now ?? NOW,
  });

describe('the signature test vectors', () => {
  it('are all there, including the published one from the docs', () => {
    expect(vectors.map((v) => v.name)).toEqual(expect.arrayContaining(['published', 'unicode-body', 'empty-object', 'rotation-two-secrets']));
    expect(published.expected_header).toBe('t=1778750467,v1=70eee4b59f4c2473bfd6d367e1a8c8e319a5b8eee9eb2ded94c3db0fb21a516b');
  });

  it.each(vectors)('signWebhook produces exactly the expected header: $name', (v) => {
    const headers = signWebhook({ body: v.body, secrets: v.secrets, timestamp: v.timestamp, eventType: 'task.completed' });
    expect(headers['Anchor-Signature']).toBe(v.expected_header);
    expect(headers['Anchor-Timestamp']).toBe(String(v.timestamp));
  });

  it.each(vectors)('verifySignature accepts the expected header with each secret on its own: $name', (v) => {
    for (const secret of v.secrets) {
      expect(verifySignature({ body: v.body, signatureHeader: v.expected_header, secret, now: atSecond(v.timestamp) })).toEqual({ timestamp: v.timestamp });
      expect(verifySignature({ body: Buffer.from(v.body), signatureHeader: v.expected_header, secret, now: atSecond(v.timestamp) })).toEqual({ timestamp: v.timestamp });
    }
  });

  it.each(vectors.filter((v) => v.name !== 'empty-object'))('verifyWebhook returns the event of every vector with an event body: $name', (v) => {
    const event = verifyWebhook({ body: Buffer.from(v.body, 'utf8'), headers: { 'Anchor-Signature': v.expected_header }, secrets: v.secrets, now: atSecond(v.timestamp) });
    expect(event).toEqual(JSON.parse(v.body));
  });

  it('verifyWebhook passes the signature of the `{}` vector, then refuses it as not an event', () => {
    const v = vectors.find((x) => x.name === 'empty-object')!;
    const err = (() => {
      try {
        verifyWebhook({ body: v.body, headers: { 'anchor-signature': v.expected_header }, secrets: v.secrets, now: atSecond(v.timestamp) });
      } catch (e) {
        return e as WebhookVerificationError;
      }
    })();
    expect(err?.reason).toBe('invalid_json');
    expect(err?.message).toMatch(/not an Anchor event/);
  });
});

describe('verifyWebhook rejects', () => {
  it('a tampered body', () => {
    expect(reasonOf(() => verifyPublished({ body: published.body.replace('42.1', '42.2') }))).toBe('no_matching_signature');
    expect(reasonOf(() => verifyPublished({ body: `${published.body} ` }))).toBe('no_matching_signature');
  });

  it('a re-serialised body (the most common integration bug)', () => {
    const reserialised = JSON.stringify(JSON.parse(published.body), null, 2);
    expect(reasonOf(() => verifyPublished({ body: reserialised }))).toBe('no_matching_signature');
  });

  it('a tampered header: a changed signature digit, or a changed timestamp', () => {
    const flipped = published.expected_header.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(reasonOf(() => verifyPublished({ header: flipped }))).toBe('no_matching_signature');
    const otherT = published.expected_header.replace('t=1778750467', 't=1778750468');
    expect(reasonOf(() => verifyPublished({ header: otherT }))).toBe('no_matching_signature');
  });

  it('a wrong secret', () => {
    expect(reasonOf(() => verifyPublished({ secret: rotation.secrets[0]! }))).toBe('no_matching_signature');
    // The secret is used as text: hex-decoding it is a different key.
    expect(reasonOf(() => verifyPublished({ secret: SECRET.toUpperCase() }))).toBe('no_matching_signature');
  });

  it('a timestamp 121 s old, and accepts one 120 s old', () => {
    expect(reasonOf(() => verifyPublished({ now: atSecond(published.timestamp + 121) }))).toBe('timestamp_too_old');
    expect(verifyPublished({ now: atSecond(published.timestamp + 120) }).id).toBe('evt_01HXJ5B2C3D4E5F6G7H8J9K0M1');
  });

  it('a timestamp 121 s in the future, and accepts one 120 s ahead', () => {
    expect(reasonOf(() => verifyPublished({ now: atSecond(published.timestamp - 121) }))).toBe('timestamp_too_new');
    expect(verifyPublished({ now: atSecond(published.timestamp - 120) }).type).toBe('task.completed');
  });

  it('honours a custom tolerance', () => {
    const opts = { body: published.body, headers: { 'anchor-signature': published.expected_header }, secret: SECRET };
    expect(reasonOf(() => verifyWebhook({ ...opts, toleranceSeconds: 10, now: atSecond(published.timestamp + 11) }))).toBe('timestamp_too_old');
    expect(verifyWebhook({ ...opts, toleranceSeconds: 600, now: atSecond(published.timestamp + 599) }).type).toBe('task.completed');
  });

  it('a missing header, or an empty one', () => {
    expect(reasonOf(() => verifyPublished({ header: undefined }))).toBe('missing_header');
    expect(reasonOf(() => verifyPublished({ header: '' }))).toBe('missing_header');
  });

  it('a duplicated t=, whether in one header or two copies of the header joined by node', () => {
    expect(reasonOf(() => verifyPublished({ header: `t=1778750467,${published.expected_header}` }))).toBe('malformed_header');
    expect(reasonOf(() => verifyPublished({ header: `${published.expected_header}, ${published.expected_header}` }))).toBe('malformed_header');
    const twoCopies = { 'anchor-signature': [published.expected_header, published.expected_header] };
    expect(reasonOf(() => verifyWebhook({ body: published.body, headers: twoCopies, secret: SECRET, now: NOW }))).toBe('malformed_header');
  });

  // The same list feeds the docs' Node, Python and Go snippets (docs-snippets.test.ts).
  it.each(MALFORMED_SIGNATURE_HEADERS)('a malformed header: %s', (_label, header) => {
    expect(reasonOf(() => verifyPublished({ header }))).toBe('malformed_header');
  });

  it('a parsed body, at run time too, with a message that says what to do', () => {
    const parsed: Record<string, unknown> = JSON.parse(published.body);
    let error: WebhookVerificationError | undefined;
    try {
      // @ts-expect-error a parsed object is not a raw body
      verifyWebhook({ body: parsed, headers: { 'anchor-signature': published.expected_header }, secret: SECRET, now: NOW });
    } catch (e) {
      error = e as WebhookVerificationError;
    }
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error?.reason).toBe('body_not_raw');
    expect(error?.message).toMatch(/already parsed/);
    expect(error?.message).toMatch(/express\.raw/);
  });

  it('an undefined body (a route that never read it)', () => {
    expect(
      reasonOf(() => verifyWebhook({ body: undefined as unknown as string, headers: { 'anchor-signature': published.expected_header }, secret: SECRET, now: NOW })),
    ).toBe('body_not_raw');
  });

  it('a signed event without `id`, or without `type`, as not an Anchor event', () => {
    const event = JSON.parse(published.body) as Record<string, unknown>;
    const without = (field: string) => JSON.stringify(Object.fromEntries(Object.entries(event).filter(([key]) => key !== field)));
    for (const body of [without('id'), without('type'), JSON.stringify({ ...event, id: 42 }), JSON.stringify({ ...event, type: null })]) {
      const headers = signWebhook({ body, secret: SECRET, timestamp: published.timestamp, eventType: 'task.completed' });
      let error: WebhookVerificationError | undefined;
      try {
        verifyWebhook({ body, headers, secret: SECRET, now: NOW });
      } catch (e) {
        error = e as WebhookVerificationError;
      }
      expect(error?.reason, body).toBe('invalid_json');
      expect(error?.message, body).toMatch(/not an Anchor event \(no string `type` and `id`\)/);
    }
    // The whole event, signed the same way, passes: only the missing field was wrong.
    const headers = signWebhook({ body: published.body, secret: SECRET, timestamp: published.timestamp });
    expect(verifyWebhook({ body: published.body, headers, secret: SECRET, now: NOW }).id).toBe(event.id);
  });

  it('a signed body that is not JSON, after the signature passed', () => {
    const body = 'not json';
    const headers = signWebhook({ body, secret: SECRET, timestamp: published.timestamp, eventType: 'task.completed' });
    expect(reasonOf(() => verifyWebhook({ body, headers, secret: SECRET, now: NOW }))).toBe('invalid_json');
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
    const signed = signWebhook({ body: invalidUtf8, secret: SECRET, timestamp: published.timestamp, eventType: 'task.completed' });
    expect(reasonOf(() => verifyWebhook({ body: invalidUtf8, headers: signed, secret: SECRET, now: NOW }))).toBe('invalid_json');
  });

  it('never puts a secret or the expected signature in its messages', () => {
    const wrong = rotation.secrets[0]!;
    const expected = computeSignature(wrong, published.timestamp, published.body);
    const messages: string[] = [];
    for (const fn of [() => verifyPublished({ secret: wrong }), () => verifyPublished({ now: atSecond(0) }), () => verifyPublished({ header: 't=1' })]) {
      try {
        fn();
      } catch (e) {
        messages.push((e as Error).message);
      }
    }
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      expect(message).not.toContain(wrong);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(expected);
    }
  });
});

describe('verifyWebhook accepts', () => {
  it('a header with two v1 values where only the second matches', () => {
    const header = `t=${published.timestamp},v1=${'0'.repeat(64)},v1=${computeSignature(SECRET, published.timestamp, published.body)}`;
    expect(verifyPublished({ header }).id).toBe('evt_01HXJ5B2C3D4E5F6G7H8J9K0M1');
  });

  it('the previous secret during a rotation, and the new one', () => {
    const [next, previous] = rotation.secrets as [string, string];
    const headers = { 'Anchor-Signature': rotation.expected_header };
    expect(verifyWebhook({ body: rotation.body, headers, secret: previous, now: NOW }).type).toBe('task.completed');
    expect(verifyWebhook({ body: rotation.body, headers, secret: next, now: NOW }).type).toBe('task.completed');
    // A receiver that already holds both secrets accepts a delivery signed with only the old one.
    expect(verifyWebhook({ body: published.body, headers: { 'anchor-signature': published.expected_header }, secrets: [next, previous], now: NOW }).id).toBe(
      'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1',
    );
  });

  it('headers as a fetch Headers, a node-style record and a plain record in any letter case', () => {
    const forms = [
      new Headers({ 'Anchor-Signature': published.expected_header }),
      { 'anchor-signature': published.expected_header, host: 'localhost' },
      { 'ANCHOR-SIGNATURE': published.expected_header },
      { 'Anchor-Signature': [published.expected_header] },
    ];
    for (const headers of forms) expect(verifyWebhook({ body: published.body, headers, secret: SECRET, now: NOW }).type).toBe('task.completed');
  });

  it('unknown signature schemes beside v1, and spaces around elements', () => {
    const header = `t=${published.timestamp}, v0=abc ,v1=${computeSignature(SECRET, published.timestamp, published.body)}`;
    expect(verifyPublished({ header }).type).toBe('task.completed');
  });

  it('and returns an event that narrows on `type`', () => {
    const body = JSON.stringify({
      id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M2',
      type: 'task.failed',
      created: '2026-05-14T09:21:07.512Z',
      project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197',
      text: 'Task failed',
      data: { error: { type: 'timeout', message: 'Step 4 did not finish within 300 s.' } },
    });
    const headers = signWebhook({ body, secret: SECRET, timestamp: published.timestamp });
    const event: WebhookEvent = verifyWebhook({ body, headers, secret: SECRET, now: NOW });
    expect(event.type === 'task.failed' ? event.data.error.type : undefined).toBe('timeout');
  });
});

describe('programmer errors are TypeErrors, not verification failures', () => {
  it.each([
    ['no secret', { secrets: [] }],
    ['an empty secret', { secret: '' }],
    ['a negative tolerance', { secret: SECRET, toleranceSeconds: -1 }],
  ])('%s', (_label, extra) => {
    expect(() => verifyWebhook({ body: published.body, headers: { 'anchor-signature': published.expected_header }, now: NOW, ...(extra as { secret: string }) })).toThrow(
      TypeError,
    );
  });

  it('a millisecond timestamp given to the signer', () => {
    expect(() => signWebhook({ body: published.body, secret: SECRET, timestamp: published.timestamp * 1000 })).toThrow(/milliseconds/);
    expect(() => computeSignature(SECRET, 1.5, published.body)).toThrow(TypeError);
  });
});

describe('signWebhook', () => {
  it('returns every header a real delivery carries', () => {
    const headers = signWebhook({ body: published.body, secret: SECRET, timestamp: atSecond(published.timestamp), deliveryId: '0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e' });
    expect(headers).toEqual({
      'User-Agent': 'Anchor-Webhooks/1.0',
      'Content-Type': 'application/json',
      'Anchor-Event': 'task.completed',
      'Anchor-Delivery-Id': '0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e',
      'Anchor-Timestamp': '1778750467',
      'Anchor-Signature': published.expected_header,
    });
  });

  it('defaults to now and a fresh delivery id, and needs eventType for a body without one', () => {
    const a = signWebhook({ body: published.body, secret: SECRET });
    const b = signWebhook({ body: published.body, secret: SECRET });
    expect(Math.abs(Number(a['Anchor-Timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(a['Anchor-Delivery-Id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a['Anchor-Delivery-Id']).not.toBe(b['Anchor-Delivery-Id']);
    expect(verifyWebhook({ body: published.body, headers: a, secret: SECRET }).id).toBeDefined();
    expect(() => signWebhook({ body: 'binary', secret: SECRET })).toThrow(/eventType/);
  });

  it('parseSignatureHeader reads the published header', () => {
    expect(parseSignatureHeader(rotation.expected_header)).toEqual({
      timestamp: 1778750467,
      signatures: ['cb26f08e0d5f88d35517df2ddf369442f2648dd26cf12e0553992d77db6ef9c9', '70eee4b59f4c2473bfd6d367e1a8c8e319a5b8eee9eb2ded94c3db0fb21a516b'],
    });
  });
});

describe('property: sign then verify', () => {
  const secretArb = fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/));
  const bodyArb = fc.oneof(
    fc.string({ maxLength: 400, unit: 'grapheme' }).map((s) => ({ raw: s as string | Uint8Array })),
    fc.uint8Array({ minLength: 0, maxLength: 400 }).map((b) => ({ raw: b as string | Uint8Array })),
  );
  const timestampArb = fc.integer({ min: 0, max: 4_102_444_800 });

  it('always succeeds for random bodies (text and binary), secrets and timestamps', () => {
    fc.assert(
      fc.property(bodyArb, secretArb, timestampArb, ({ raw }, secret, timestamp) => {
        const headers = signWebhook({ body: raw, secret, timestamp, eventType: 'session.failed' });
        expect(verifySignature({ body: raw, signatureHeader: headers['Anchor-Signature'], secret, now: atSecond(timestamp) })).toEqual({ timestamp });
      }),
      { numRuns: 500 },
    );
  });

  it('fails after any single-byte change of the body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        secretArb,
        timestampArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, secret, timestamp, position, delta) => {
          const headers = signWebhook({ body, secret, timestamp, eventType: 'task.completed' });
          const tampered = Uint8Array.from(body);
          const i = position % body.length;
          tampered[i] = (tampered[i]! + delta) % 256;
          expect(reasonOf(() => verifySignature({ body: tampered, signatureHeader: headers['Anchor-Signature'], secret, now: atSecond(timestamp) }))).toBe(
            'no_matching_signature',
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fails after any single-character change of a text body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), secretArb, fc.nat(), fc.integer({ min: 1, max: 94 }), (body, secret, position, delta) => {
        const headers = signWebhook({ body, secret, timestamp: 1_700_000_000, eventType: 'task.completed' });
        const i = position % body.length;
        const code = body.charCodeAt(i);
        const changed = String.fromCharCode(code >= 32 && code < 127 ? 32 + ((code - 32 + delta) % 95) : 65);
        fc.pre(changed !== body[i]);
        const tampered = body.slice(0, i) + changed + body.slice(i + 1);
        expect(reasonOf(() => verifySignature({ body: tampered, signatureHeader: headers['Anchor-Signature'], secret, now: atSecond(1_700_000_000) }))).toBe(
          'no_matching_signature',
        );
      }),
      { numRuns: 300 },
    );
  });
});
