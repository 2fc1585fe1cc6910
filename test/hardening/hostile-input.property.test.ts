/**
 * Hostile input, 10,000 fast-check cases sent as raw bytes over loopback (so nothing a fetch
 * client would tidy up is tidied up). It complements test/server/fuzz.property.test.ts (random
 * methods, paths, queries and bodies through fetch) with what fetch cannot send or that one does
 * not aim at:
 *
 * - bodies generated from the spec's request schemas, then broken: NUL and other control
 *   characters, lone surrogates, bidi overrides, length limits ±1, wrong types, dropped required
 *   fields, `__proto__` / `constructor` keys;
 * - JSON nested up to 20,000 deep, thousands of keys or array items, strings around 64 KiB,
 *   invalid UTF-8, a gzip bomb; past the nesting limit (32 levels) every body, an event's
 *   `data` included, is refused with a 400 that names the limit;
 * - numbers at and past 2^31, 2^53 and 2^63 (and written as `1e2`, `0x10`, `05`, …) in every
 *   numeric parameter and body field the spec declares: a query integer in plain decimal
 *   digits within the spec's bounds is served, any other is a 400 naming the parameter;
 * - wrong, odd and duplicated content types and encodings;
 * - duplicated, oversized and numerous headers, NUL and non-ASCII bytes in headers, conflicting
 *   Content-Length / Transfer-Encoding, no Host;
 * - path traversal and odd encodings in ids (`..%2f`, `%00`, overlong UTF-8, `%252e`), hostile
 *   query strings.
 *
 * Every answer is below 500; one from the app is a documented answer of its operation (Ajv
 * against the spec) or, off the spec's routes, a problem+json 400/404/405; Node's own parser
 * may refuse a request with a bare 400/413/431. Afterwards the server answers a health check and
 * a normal request, and no prototype was polluted.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBundleValidator } from '../support/ajv.js';
import { contractViolations, pathTemplateOf } from '../support/contract.js';
import { loadBundle } from '../support/spec.js';
import { newWebhook, startTestApp, type TestApp } from '../support/test-app.js';
import { rawRequest, type RawResponse } from './support/raw-http.js';
import { arbitraryFor, resolve } from './support/schema-arbitrary.js';

const CASES = 10_000;
const BATCH = 20;
const LIMIT = 64 * 1024;
/** The documented nesting limit of JSON bodies: objects and arrays, the top level counting as 1. */
const DEPTH_LIMIT = 32;

const spec = loadBundle('full');
const problemSchema = createBundleValidator(spec).schema('Problem');

let t: TestApp;
let port: number;
let liveId = '';
let deliveryId = '';
beforeAll(async () => {
  t = await startTestApp();
  port = Number(new URL(t.baseUrl).port);
  liveId = (await t.client.POST('/v1/webhooks', { body: newWebhook() })).data!.id;
  const event = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: liveId } }, body: { event_type: 'task.completed' } });
  deliveryId = event.data!.delivery_id;
});
afterAll(async () => {
  await t?.close();
});

// ---- a request, as bytes --------------------------------------------------------------

type Header = [name: string, value: string | Buffer];
type Case = {
  kind: string;
  method: string;
  /** The request target exactly as sent. `{id}` and `{delivery}` are filled in at send time. */
  target: string;
  headers: Header[];
  body?: Buffer;
  /** Leave out these default headers. */
  omit?: Array<'host' | 'api-key' | 'content-length'>;
  /** The one answer this case must get, beyond "documented and below 500". */
  expected?: { status: number; code?: string; detail?: RegExp; issue?: { location: string; path: string | RegExp } };
};

function toBytes(c: Case): Buffer {
  const target = c.target.replaceAll('{id}', liveId).replaceAll('{delivery}', deliveryId);
  const defaults: Header[] = [
    ...(c.omit?.includes('host') ? [] : [['Host', '127.0.0.1'] as Header]),
    ['Connection', 'close'],
    ...(c.omit?.includes('api-key') ? [] : [['anchor-api-key', t.apiKey] as Header]),
    ...(c.body && !c.omit?.includes('content-length') ? [['Content-Length', String(c.body.length)] as Header] : []),
  ];
  const lines = [...defaults, ...c.headers].map(([name, value]) => Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.from(value as string, typeof value === 'string' ? 'latin1' : undefined), Buffer.from('\r\n')]));
  return Buffer.concat([Buffer.from(`${c.method} ${target} HTTP/1.1\r\n`, 'latin1'), ...lines, Buffer.from('\r\n'), c.body ?? Buffer.alloc(0)]);
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const JSON_TYPE: Header = ['Content-Type', 'application/json'];

// ---- spec-derived bodies, then broken -----------------------------------------------------

const bodyOperations = Object.entries(spec.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([, op]) => (op as { requestBody?: unknown }).requestBody)
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      target: template.replace('{webhook_id}', '{id}').replace('{delivery_id}', '{delivery}'),
      schema: (op as any).requestBody.content['application/json'].schema,
    })),
);

const nastyString = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\u0000'.repeat(100), '\uD800', 'x\uDFFFy', '\u202Egnp.exe', '\uFEFF', 'e\u0301\u0301\u0301', '𝕏🙂👩‍👩‍👧', '\r\n\r\nGET / HTTP/1.1', '<script>alert(1)</script>', "'; DROP TABLE webhooks; --", '${jndi:ldap://127.0.0.1/x}', '../../../etc/passwd', 'https://127.0.0.1\u0000.hooks.anchor-customer.io/'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029'), maxLength: 30 }),
);

const hostileValue = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, 0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1, [], {}, [null], { $ref: '#/components/schemas/Problem' }, { __proto__: { polluted: true } }),
  fc.nat({ max: 5 }).map((n) => 'x'.repeat([255, 256, 257, 2048, 2049, 4000][n]!)),
);

const brokenSpecBody = fc.oneof(...bodyOperations.map((op) => arbitraryFor(spec, op.schema).map((body) => ({ op, body })))).chain(({ op, body }) =>
  fc
    .tuple(fc.nat({ max: 5 }), fc.nat(), hostileValue, fc.constantFrom('__proto__', 'constructor', 'prototype', 'unknown', ''))
    .map(([mutation, which, value, extraKey]): Case => {
      const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys[which % Math.max(1, keys.length)];
      if (mutation === 1 && key) copy[key] = value;
      if (mutation === 2 && key) delete copy[key];
      // JSON.parse makes `__proto__` an own key; no prototype is touched.
      let text = JSON.stringify(copy);
      if (mutation === 3) text = text.replace(/^\{/, `{${JSON.stringify(extraKey)}:${JSON.stringify(value) ?? 'null'}${keys.length ? ',' : ''}`);
      if (mutation === 4 && key && Array.isArray(copy[key])) copy[key] = [...(copy[key] as unknown[]), ...(copy[key] as unknown[])];
      if (mutation === 4) text = JSON.stringify(copy);
      return { kind: `spec body (mutation ${mutation})`, method: op.method, target: op.target, headers: [JSON_TYPE], body: Buffer.from(text, 'utf8') };
    }),
);

// ---- deep and huge JSON -------------------------------------------------------------------

const bodyTarget = fc.constantFrom(...bodyOperations.map((op) => ({ method: op.method, target: op.target })));

const publishEvent = { method: 'POST', target: '/v1/events' };
const depths = fc.oneof(fc.constantFrom(DEPTH_LIMIT - 1, DEPTH_LIMIT, DEPTH_LIMIT + 1), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 10_000, max: 20_000 }));

/** Objects and arrays nested `depth` deep in all (the top level is 1); past the limit, a 400 that names it. */
const deepJson = fc.tuple(bodyTarget, depths, fc.constantFrom('array', 'object', 'field', 'event data')).map(([op, depth, shape]): Case => {
  const inner = Math.max(1, depth - 1);
  const [target, text, total] =
    shape === 'array'
      ? [op, '['.repeat(depth) + ']'.repeat(depth), depth]
      : shape === 'object'
        ? [op, '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), depth]
        : shape === 'field'
          ? [op, `{"url":"https://hooks.anchor-customer.io/","subscribed_events":["task.completed"],"description":${'['.repeat(inner)}${']'.repeat(inner)}}`, inner + 1]
          : // The probe's 500: an event whose data is nested deep (JSON.stringify overflowed the stack).
            [publishEvent, `{"type":"task.completed","data":${'{"a":'.repeat(inner)}1${'}'.repeat(inner)}}`, inner + 1];
  // (Over 64 KiB, the size limit answers first.)
  const expected = total > DEPTH_LIMIT && text.length <= LIMIT ? { status: 400, code: 'validation_failed', detail: new RegExp(`more than ${DEPTH_LIMIT} levels deep; the limit is ${DEPTH_LIMIT}`) } : undefined;
  return { kind: `deep ${shape} ${total}`, ...target, headers: [JSON_TYPE], body: Buffer.from(text), ...(expected ? { expected } : {}) };
});

const hugeJson = fc.tuple(bodyTarget, fc.nat({ max: 5 }), fc.integer({ min: 1, max: 9_000 })).map(([op, shape, n]): Case => {
  const bodies = [
    () => json(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
    () => json({ url: 'https://hooks.anchor-customer.io/', subscribed_events: Array.from({ length: n }, () => 'task.completed') }),
    () => json({ url: 'https://hooks.anchor-customer.io/', subscribed_events: ['task.completed'], description: 'd'.repeat(LIMIT - 100 + (n % 200)) }),
    () => json({ url: `https://hooks.anchor-customer.io/${'p'.repeat(n * 7)}`, subscribed_events: ['task.completed'] }),
    () => Buffer.from(`{"url":"https://hooks.anchor-customer.io/","subscribed_events":["task.completed"],"description":"${'\\u0000'.repeat(Math.min(n, 10_000))}"}`),
    // Invalid UTF-8 inside a JSON string.
    () => Buffer.concat([Buffer.from('{"url":"https://hooks.anchor-customer.io/","subscribed_events":["task.completed"],"description":"'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xfe]), Buffer.from('"}')]),
  ];
  return { kind: `huge ${shape}`, ...op, headers: [JSON_TYPE], body: bodies[shape]!() };
});

// ---- numbers in every numeric parameter and body field -----------------------------------------

type NumericParameter = { method: string; target: string; name: string; minimum: number; maximum: number; integer: boolean };
const numericOf = (schema: any) => {
  const s = typeof schema?.$ref === 'string' ? resolve(spec, schema.$ref) : schema;
  const types: unknown[] = Array.isArray(s?.type) ? s.type : [s?.type];
  if (!types.includes('integer') && !types.includes('number')) return null;
  return { integer: !types.includes('number'), minimum: s.minimum ?? -Infinity, maximum: s.maximum ?? Infinity };
};
const operationsWithTargets = Object.entries(spec.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), template, item, op: op as any, target: template.replace('{webhook_id}', '{id}').replace('{delivery_id}', '{delivery}') })),
);
const numericQuery: NumericParameter[] = operationsWithTargets.flatMap(({ method, item, op, target }) =>
  [...((item as any).parameters ?? []), ...(op.parameters ?? [])]
    .map((p: any) => (typeof p.$ref === 'string' ? resolve(spec, p.$ref) : p))
    .filter((p: any) => p.in === 'query')
    .flatMap((p: any) => {
      const numeric = numericOf(p.schema);
      return numeric ? [{ method, target, name: p.name as string, ...numeric }] : [];
    }),
);
const numericBody: NumericParameter[] = bodyOperations.flatMap((op) => {
  const schema = typeof op.schema.$ref === 'string' ? resolve(spec, op.schema.$ref) : op.schema;
  return Object.entries<any>(schema.properties ?? {}).flatMap(([name, property]) => {
    const numeric = numericOf(property);
    return numeric ? [{ method: op.method, target: op.target, name, ...numeric }] : [];
  });
});

const edges = [31n, 53n, 63n].flatMap((p) => [2n ** p - 1n, 2n ** p, 2n ** p + 1n]).flatMap((v) => [v, -v]);
const numberText = fc.oneof(
  fc.constantFrom(...edges.map(String)),
  fc.constantFrom('0', '1', '25', '100', '101', '86400', '86401', '-1', '-0', '05', '007', '1e2', '1E2', '1e19', '1e309', '-1e309', '0x10', '0X1F', '0b1', '0o7', '1.0', '1.5', '+5', ' 5', '5 ', '', 'Infinity', 'NaN', '١٢', '1_000', '2147483647.0', '18446744073709551616'),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.integer({ min: 0, max: 200 }).map(String),
);
const decimalWithin = (text: string, p: NumericParameter) => /^(?:0|-?[1-9][0-9]*)$/.test(text) && BigInt(text) >= BigInt(p.minimum) && (p.maximum === Infinity || BigInt(text) <= BigInt(p.maximum));

const numericCases = fc.oneof(
  // A query integer is served only as plain decimal digits within the spec's bounds.
  ...numericQuery.map((p) =>
    numberText.map((text): Case => {
      const target = `${p.target}?${p.name}=${encodeURIComponent(text)}`;
      const expected = decimalWithin(text, p) ? { status: 200 } : { status: 400, code: 'validation_failed', issue: { location: 'query', path: p.name } };
      return { kind: `numeric query ${p.name}=${text}`, method: p.method, target, headers: [], expected };
    }),
  ),
  // A body number is JSON: `1e2` is 100. Anything that is not a JSON number, or is past a bound, is a 400 naming the field.
  ...numericBody.map((p) =>
    numberText.map((text): Case => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const fits = typeof value === 'number' && (!p.integer || Number.isInteger(value)) && value >= p.minimum && value <= p.maximum;
      const expected = value === undefined ? { status: 400, code: 'validation_failed' } : fits ? undefined : { status: 400, code: 'validation_failed', issue: { location: 'body', path: `/${p.name}` } };
      return { kind: `numeric body ${p.name}=${text}`, method: p.method, target: p.target, headers: [JSON_TYPE], body: Buffer.from(`{"${p.name}":${text}}`), ...(expected ? { expected } : {}) };
    }),
  ),
);

// ---- content types and encodings ------------------------------------------------------------

const gzipBomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '));
const validCreate = json(newWebhook());

const contentTypes = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        ['application/json; charset=utf-16'],
        ['application/json; charset=ISO-8859-1'],
        ['application/json;;;'],
        ['application/json, text/plain'],
        ['application/json', 'text/plain'],
        ['text/plain', 'application/json'],
        ['application/x-www-form-urlencoded'],
        ['multipart/form-data; boundary=----x'],
        ['application/problem+json'],
        ['application/vnd.api+json'],
        ['*/*'],
        ['application/json\u0000'],
        ['application/jsön'],
        [''],
        [],
      ),
      fc.stringMatching(/^[a-z*]{0,12}\/[a-z+.*-]{0,16}(; ?[a-z-]{1,10}=("[^"]{0,10}"|[a-z0-9-]{0,10}))?$/).map((v) => [v]),
    ),
    fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'zstd', 'gzip, gzip', 'identity', 'x-garbage'),
    fc.constantFrom('valid', 'bomb', 'urlencoded'),
  )
  .map(([types, encoding, payload]): Case => {
    const body = payload === 'bomb' ? gzipBomb : payload === 'urlencoded' ? Buffer.from('url=https%3A%2F%2Fhooks.anchor-customer.io&subscribed_events=task.completed') : validCreate;
    return {
      kind: `content type ${payload}${encoding ? ` ${encoding}` : ''}`,
      method: 'POST',
      target: '/v1/webhooks',
      headers: [...types.map((v): Header => ['Content-Type', v]), ...(encoding ? [['Content-Encoding', encoding] as Header] : [])],
      body,
    };
  });

// ---- headers ----------------------------------------------------------------------------------

const headerCases = fc
  .tuple(fc.nat({ max: 13 }), fc.integer({ min: 1, max: 40_000 }), nastyString)
  .map(([shape, n, nasty]): Case => {
    const get = (headers: Header[], extra: Partial<Case> = {}): Case => ({ kind: `headers ${shape}`, method: 'GET', target: '/v1/webhooks', headers, ...extra });
    switch (shape) {
      case 0: // the valid key twice, or with another
        return get([['anchor-api-key', n % 2 ? t.apiKey : 'anc_forged']], {});
      case 1:
        return get([['X-Big', 'b'.repeat(n)]]);
      case 2:
        return get(Array.from({ length: n % 3_000 }, (_, i): Header => [`X-H${i}`, 'v']));
      case 3:
        return get([['X-Nul', Buffer.from([0x61, 0x00, 0x62])]]);
      case 4:
        return get([['Idempotency-Key', Buffer.from(nasty, 'utf8')]], { method: 'POST', body: validCreate, headers: [JSON_TYPE, ['Idempotency-Key', Buffer.from(nasty, 'utf8')]] });
      case 5:
        return get([], { omit: ['host'] });
      case 6: // request smuggling shapes
        return { kind: 'headers smuggling', method: 'POST', target: '/v1/webhooks', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked'], ['Content-Length', '5']], body: Buffer.from(`${validCreate.length.toString(16)}\r\n${validCreate}\r\n0\r\n\r\n`), omit: ['content-length'] };
      case 7:
        return { kind: 'headers two lengths', method: 'POST', target: '/v1/webhooks', headers: [JSON_TYPE, ['Content-Length', String(validCreate.length)], ['Content-Length', String(validCreate.length + 1)]], body: validCreate, omit: ['content-length'] };
      case 8:
        return { kind: 'headers length lies', method: 'POST', target: '/v1/webhooks', headers: [JSON_TYPE, ['Content-Length', String(Math.max(0, validCreate.length - (n % 50)))]], body: validCreate, omit: ['content-length'] };
      case 9:
        return get([['anchor-api-key', Buffer.from(`${t.apiKey}\u00e9`, 'latin1')]], { omit: ['api-key'] });
      case 10:
        return get([['Bad Header Name', 'x']]);
      case 11:
        return get([['X-Obs-Fold', 'a\r\n folded']]);
      case 12:
        return { kind: 'headers chunked body', method: 'POST', target: '/v1/webhooks', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']], body: Buffer.from(`${validCreate.length.toString(16)}\r\n${validCreate}\r\n0\r\n\r\n`), omit: ['content-length'] };
      default:
        return get([['Content-Type', 'application/json'], ['Content-Type', 'text/html']], { method: 'PATCH', target: '/v1/webhooks/{id}', body: json({ enabled: true }) });
    }
  });

// ---- paths and queries --------------------------------------------------------------------------

const hostileId = fc.oneof(
  fc.constantFrom(
    '..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2f',
    '..%5c..%5cwindows',
    '%00',
    'wh_%00',
    '{id}%00',
    '{id}%2500',
    '%2500',
    '%c0%ae%c0%ae%2f',
    '%e0%80%ae',
    '..;',
    '.%2e',
    '%252e%252e%252f',
    '{id}%00.json',
    '%ff%fe',
    '%',
    '%%32%65',
    '%u002e%u002e',
    'A'.repeat(5_000),
    '%F0%9F%99%82',
    '\\..\\..\\',
    '{id}/..',
    '{id}/.',
    '{id}%2f..',
    '{ID}',
    '%7Bid%7D',
    'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y%0d%0aX-Injected:%201',
  ),
  nastyString.map((s) => percentEncode(s).slice(0, 3_000) || 'x'),
);

/** Every UTF-8 byte but the unreserved ones as %XX (lone surrogates become U+FFFD first). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const hostileQuery = fc.constantFrom(
  '',
  '?limit=1e309',
  '?limit=-0',
  '?limit=99999999999999999999',
  '?status=%00',
  '?__proto__[polluted]=1',
  '?constructor[prototype][polluted]=1',
  `?a=${'x'.repeat(8_000)}`,
  `?${Array.from({ length: 1_000 }, (_, i) => `p${i}=1`).join('&')}`,
  '?limit=1&limit=2',
  '?event_type[]=task.completed',
  '?created_after=2026-13-45T99:99:99Z',
  '?offset=%ZZ',
);

const pathCases = fc
  .tuple(
    fc.constantFrom('/v1/webhooks/{x}', '/v1/webhooks/{x}/rotate-secret', '/v1/webhooks/{x}/events', '/v1/webhooks/{id}/events/{x}', '/v1/webhooks/{x}/events/{x}/redeliver', '/v1/webhooks/{x}/test', '//v1//webhooks', '/v1/webhooks/../../etc/passwd', '/v1/./webhooks', '/V1/WEBHOOKS', '/v1/webhooks/', '*', 'http://169.254.169.254/v1/webhooks'),
    hostileId,
    hostileQuery,
    fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get'),
  )
  .map(([template, id, query, method]): Case => {
    const hasBody = method === 'POST' || method === 'PATCH';
    return { kind: `path ${method}`, method, target: template.replaceAll('{x}', id) + query, headers: hasBody ? [JSON_TYPE] : [], ...(hasBody ? { body: json({}) } : {}) };
  });

const hostileCase = fc
  .oneof(
    { weight: 5, arbitrary: brokenSpecBody },
    { weight: 1, arbitrary: deepJson },
    { weight: 2, arbitrary: numericCases },
    { weight: 1, arbitrary: hugeJson },
    { weight: 1, arbitrary: contentTypes },
    { weight: 2, arbitrary: headerCases },
    { weight: 3, arbitrary: pathCases },
  )
  // A counterexample prints as the start of its bytes, not as a Buffer's numbers.
  .map((c) => Object.assign(c, { [fc.toStringMethod]: () => JSON.stringify(`${c.kind}: ${c.method} ${c.target.slice(0, 200)} ${c.headers.map(([n, v]) => `${n}: ${String(v).slice(0, 60)}`).join(' | ')} body ${c.body?.length ?? 0} B: ${c.body?.subarray(0, 160).toString('latin1') ?? ''}`) }));

// ---- one case, checked ---------------------------------------------------------------------------

let sent = 0;
const outcomes = new Map<string, number>();

/** The app answers with a JSON content type; Node's parser with a bare status and no body. */
const isParserAnswer = (res: RawResponse) => res.headers['content-type'] === undefined && [400, 413, 414, 431].includes(res.status);

async function check(c: Case): Promise<void> {
  const bytes = toBytes(c);
  const res = await rawRequest(port, bytes);
  sent++;
  // Node closes a CONNECT it has no tunnel handler for, without an answer.
  if (c.method === 'CONNECT' && !res) return;
  const label = `${c.kind}: ${bytes.subarray(0, 300).toString('latin1')} → ${res ? `${res.status} ${res.body.subarray(0, 300).toString()}` : 'closed without an answer'}`;
  expect(res, label).toBeDefined();
  const { status } = res!;
  outcomes.set(`${c.kind.split(' ')[0]} ${status}`, (outcomes.get(`${c.kind.split(' ')[0]} ${status}`) ?? 0) + 1);
  const serverErrors = status >= 500 ? t.logs.lines.filter((l) => l.includes('"level":50')).slice(-2).join('\n') : '';
  expect(status, `${label}\n${serverErrors}`).toBeLessThan(500);
  if (c.expected) {
    expect(status, label).toBe(c.expected.status);
    if (c.expected.code) {
      const problem = JSON.parse(res!.body.toString('utf8'));
      expect(problem.code, label).toBe(c.expected.code);
      if (c.expected.detail) expect(problem.detail, label).toMatch(c.expected.detail);
      const issue = c.expected.issue;
      if (issue) expect(problem.errors, label).toContainEqual(expect.objectContaining({ location: issue.location, path: typeof issue.path === 'string' ? issue.path : expect.stringMatching(issue.path) }));
    }
  }
  if (isParserAnswer(res!)) return;

  const target = c.target.replaceAll('{id}', liveId).replaceAll('{delivery}', deliveryId);
  // Only an origin-form target (`/v1/…`) names a route of the spec; an absolute-form one
  // (`http://host/v1/…`) is answered as an unknown route.
  const path = target.split('?')[0]!;
  const template = path.startsWith('/') ? pathTemplateOf(path) : undefined;
  const operation = template ? spec.paths[template]?.[c.method.toLowerCase()] : undefined;
  if (operation) {
    const headers = new Headers(Object.entries(res!.headers).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));
    expect(contractViolations({ method: c.method, template: template!, status, contentType: res!.headers['content-type'] ?? null, headers, bodyText: res!.body.toString('utf8') }), label).toEqual([]);
  } else {
    expect([400, 404, 405], label).toContain(status);
    expect(res!.headers['content-type'], label).toMatch(/^application\/problem\+json/);
    expect(problemSchema(JSON.parse(res!.body.toString('utf8'))), label).toBe(true);
  }
}

it("the probe's two 500s, and the loose numbers it found, are 400s that name the parameter or the limit", async () => {
  const events = '/v1/webhooks/{id}/events';
  const badQuery = (query: string, name: string): Case => ({ kind: `probe ${query}`, method: 'GET', target: `${events}?${query}`, headers: [], expected: { status: 400, code: 'validation_failed', issue: { location: 'query', path: name } } });
  for (const c of [badQuery('offset=1e19', 'offset'), badQuery(`offset=${2n ** 63n}`, 'offset'), badQuery(`offset=${2n ** 31n}`, 'offset'), badQuery('limit=1e2', 'limit'), badQuery('offset=0x10', 'offset'), badQuery('limit=05', 'limit')]) await check(c);
  await check({ kind: 'probe offset', method: 'GET', target: `${events}?offset=${2n ** 31n - 1n}&limit=100`, headers: [], expected: { status: 200 } });
  // `data` nested 10,000 deep: JSON.stringify overflowed the stack while publishing.
  const deep = `{"type":"task.completed","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
  await check({ kind: 'probe deep data', ...publishEvent, headers: [JSON_TYPE], body: Buffer.from(deep), expected: { status: 400, code: 'validation_failed', detail: /more than 32 levels deep; the limit is 32/, issue: { location: 'body', path: /^\/data(\/a){31}$/ } } });
});

it(`${CASES} hostile requests: no 5xx, only documented answers, and the server is fine afterwards`, async () => {
  // Counted afresh: the probe's cases above are not among the generated ones.
  sent = 0;
  outcomes.clear();
  await fc.assert(
    fc.asyncProperty(fc.array(hostileCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      await Promise.all(batch.map(check));
    }),
    // HOSTILE_SEED=<seed> replays a reported failure.
    { numRuns: CASES / BATCH, endOnFailure: true, ...(process.env.HOSTILE_SEED ? { seed: Number(process.env.HOSTILE_SEED) } : {}) },
  );
  expect(sent).toBe(CASES);

  // Straight after: a health check, and a normal request that still finds the webhook.
  const health = await fetch(`${t.baseUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const { data, response } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: liveId } } });
  expect(response.status).toBe(200);
  expect(data!.id).toBe(liveId);
  // `__proto__` keys and query names reached no prototype.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  // Each family of cases reached the app, not only Node's parser.
  for (const family of ['spec', 'deep', 'numeric', 'huge', 'content', 'headers', 'path']) {
    expect([...outcomes].some(([k, n]) => k.startsWith(`${family} `) && !k.endsWith(' 431') && n > 0), family).toBe(true);
  }
  // Both sides of every bound were tried.
  expect(numericQuery.map((p) => p.name).sort()).toEqual(['limit', 'offset']);
  expect(numericBody.map((p) => p.name)).toEqual(['previous_secret_ttl_seconds']);
  expect(outcomes.get('numeric 200')).toBeGreaterThan(0);
  expect(outcomes.get('numeric 400')).toBeGreaterThan(0);
  console.info(`hostile input: ${sent} requests; answers by family and status: ${[...outcomes].sort().map(([k, n]) => `${k}×${n}`).join(', ')}`);
}, 300_000);
