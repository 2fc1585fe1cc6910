/**
 * Contract tests of the management operations, through the project's openapi-fetch
 * client against the real app. Every response is checked against the spec twice: by the
 * server's response validator and by the client-side checker in test/support/contract.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBundle } from '../support/spec.js';
import { createTestClock, newWebhook, startTestApp, sharedTestApp, stubResolver, TEST_EPOCH, type TestApp } from '../support/test-app.js';

const OWNED = ['createWebhook', 'listWebhooks', 'getWebhook', 'updateWebhook', 'deleteWebhook', 'rotateWebhookSecret', 'listWebhookEventTypes', 'getServerInfo'];
const UNKNOWN_ID = 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y';
const DAY_MS = 24 * 60 * 60 * 1000;

let t: TestApp;
const seenAll = new Set<string>();

const app = sharedTestApp();
beforeEach(() => {
  t = app.next();
});
afterEach(() => {
  for (const entry of t.seen) seenAll.add(entry);
  app.check();
});

async function create(overrides: Record<string, unknown> = {}, app: TestApp = t) {
  const { data, error, response } = await app.client.POST('/v1/webhooks', { body: newWebhook(overrides) as never });
  expect(error, JSON.stringify(error)).toBeUndefined();
  expect(response.status).toBe(201);
  return data!;
}

const tooBig = () => 'x'.repeat(65 * 1024);

describe('createWebhook', () => {
  it('201: returns the webhook with its secret, the URL normalised and description defaulting to null', async () => {
    const { data, response } = await t.client.POST('/v1/webhooks', {
      body: { url: 'https://Hooks.Anchor-Customer.IO:443/anchor/webhooks', subscribed_events: ['task.completed'] },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      project_id: t.projectId,
      url: 'https://hooks.anchor-customer.io/anchor/webhooks',
      description: null,
      subscribed_events: ['task.completed'],
      enabled: true,
      disabled_reason: null,
      created_at: new Date(TEST_EPOCH).toISOString(),
      updated_at: new Date(TEST_EPOCH).toISOString(),
    });
    expect(data!.id).toMatch(/^wh_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(data!.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('400 validation_failed: lists every invalid value with its location and JSON pointer', async () => {
    const { error, response } = await t.client.POST('/v1/webhooks', {
      body: { url: 'https://hooks.anchor-customer.io/a', subscribed_events: ['task.completed', 'task.exploded'], colour: 'red' } as never,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400, type: 'https://docs.anchorbrowser.io/webhooks#/errors/validation_failed' });
    expect(error!.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: 'body', path: '/colour' }),
        expect.objectContaining({ location: 'body', path: '/subscribed_events/1' }),
      ]),
    );
  });

  it('400 validation_failed: malformed JSON, a missing body, an empty event list, a bad Idempotency-Key', async () => {
    const malformed = await t.client.POST('/v1/webhooks', { body: newWebhook() as never, bodySerializer: () => '{"url": "https://a' });
    expect(malformed.response.status).toBe(400);
    expect(malformed.error).toMatchObject({ code: 'validation_failed', errors: [{ location: 'body', path: '', message: 'Send valid JSON: the body could not be parsed.', rule: 'json' }] });

    const missing = await t.client.POST('/v1/webhooks', { body: undefined as never });
    expect(missing.response.status).toBe(400);
    expect(missing.error?.code).toBe('validation_failed');

    const empty = await t.client.POST('/v1/webhooks', { body: newWebhook({ subscribed_events: [] }) as never });
    expect(empty.error?.errors).toEqual([expect.objectContaining({ location: 'body', path: '/subscribed_events' })]);

    const badKey = await t.client.POST('/v1/webhooks', { body: newWebhook() as never, params: { header: { 'Idempotency-Key': 'has space' } } });
    expect(badKey.response.status).toBe(400);
    expect(badKey.error?.errors).toEqual([expect.objectContaining({ location: 'header', path: 'idempotency-key' })]);
  });

  it('400 validation_failed: one plain sentence per invalid value, with the rule it broke', async () => {
    // What an empty form sends: one sentence per field, not Ajv's text, and no "not a URL" for an empty URL.
    const empty = await t.client.POST('/v1/webhooks', { body: { url: '', subscribed_events: [] } });
    expect(empty.error).toMatchObject({
      detail: 'The request is invalid. url: Enter the URL. subscribed_events: Choose at least one subscribed event.',
      errors: [
        { location: 'body', path: '/url', message: 'Enter the URL.', rule: 'minLength' },
        { location: 'body', path: '/subscribed_events', message: 'Choose at least one subscribed event.', rule: 'minItems' },
      ],
    });

    const wrong = await t.client.POST('/v1/webhooks', {
      body: { url: 'hooks.anchor-customer.io/in', subscribed_events: ['task.exploded', 'task.failed', 'task.failed'], description: 'd'.repeat(300), colour: 'red' } as never,
    });
    const byPath = Object.fromEntries(wrong.error!.errors!.map((i) => [i.path, [i.message, i.rule]]));
    expect(byPath).toEqual({
      '/url': ['That is not a URL: include the scheme, as in https://example.com/webhooks.', 'format'],
      '/subscribed_events/0': [expect.stringMatching(/^Unknown value "task\.exploded": use one of task\.completed, task\.failed, .*identity\.authentication_failed\.$/), 'enum'],
      '/subscribed_events': ['Remove the duplicates: each of the subscribed events may appear once.', 'uniqueItems'],
      '/description': ['Too long: the description may have at most 256 characters, not 300.', 'maxLength'],
      '/colour': ['Remove "colour": it is not a field of this request.', 'additionalProperties'],
    });
    // No validator jargon reaches a client.
    expect(JSON.stringify(wrong.error)).not.toMatch(/must NOT|must match format|must be equal to/);

    const missing = await t.client.POST('/v1/webhooks', { body: { subscribed_events: 'task.failed' } as never });
    expect(missing.error!.errors).toEqual([
      { location: 'body', path: '/url', message: 'Enter the URL: it is required.', rule: 'required' },
      { location: 'body', path: '/subscribed_events', message: 'Send an array here, not a string.', rule: 'type' },
    ]);

    const badId = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: 'hook-1' } } });
    expect(badId.error!.errors).toEqual([{ location: 'path', path: 'webhook_id', message: 'That is not a valid webhook ID: it must match ^wh_[0-9A-Za-z]+$.', rule: 'pattern' }]);
    const unknownParameter = await t.client.GET('/v1/webhooks', { params: { query: { page: 2 } } as never });
    expect(unknownParameter.error!.errors).toEqual([{ location: 'query', path: 'page', message: 'Remove "page": this operation has no such query parameter.', rule: 'unknown_parameter' }]);
  });

  it('400 url_not_allowed: names the URL rule that fired in detail', async () => {
    const cases: Array<[string, string]> = [
      ['https://10.0.0.5/hook', 'ip_not_public'],
      ['http://hooks.anchor-customer.io/hook', 'scheme_not_https'],
      ['https://user:pw@hooks.anchor-customer.io/hook', 'credentials_in_url'],
      ['https://169.254.169.254/latest/meta-data', 'cloud_metadata'],
      ['https://printer.local/hook', 'internal_hostname'],
      ['https://sts.us-east-1.amazonaws.com/', 'aws_control_plane'],
      // Port 0 was stored and could never be delivered to; 65536 was refused only as an invalid URL.
      ['https://hooks.anchor-customer.io:0/hook', 'port_not_allowed'],
      ['https://hooks.anchor-customer.io:65536/hook', 'port_not_allowed'],
    ];
    const existing = (await t.client.POST('/v1/webhooks', { body: newWebhook() as never })).data!;
    for (const [url, rule] of cases) {
      // The same rules on update: the stored URL is left as it was.
      const patched = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: existing.id } }, body: { url } });
      expect(patched.response.status, url).toBe(400);
      expect(patched.error!.detail, url).toMatch(new RegExp(`^${rule}: .+`));
      const { error, response } = await t.client.POST('/v1/webhooks', { body: newWebhook({ url }) as never });
      expect(response.status, url).toBe(400);
      expect(error, url).toMatchObject({ code: 'url_not_allowed', title: 'URL not allowed' });
      expect(error!.detail, url).toMatch(new RegExp(`^${rule}: .+`));
      // errors[] places a sentence without the code on the URL field, and gives the rule apart.
      expect(error!.errors, url).toEqual([{ location: 'body', path: '/url', message: expect.stringMatching(/^[A-Z0-9].+\.$/), rule }]);
      expect(error!.errors![0]!.message, url).not.toContain(rule);
      expect(JSON.stringify(error), url).not.toContain('pw');
    }
    const { data } = await t.client.GET('/v1/webhooks');
    expect(data!.data.items.map((w) => w.url)).toEqual([existing.url]);
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: existing.id } } });
  });

  it('400 url_not_allowed: a host name that resolves to a private address (stub DNS, no network)', async () => {
    const resolver = stubResolver([{ address: '10.1.2.3', family: 4 }]);
    const app = await startTestApp({ resolver });
    try {
      const { error } = await app.client.POST('/v1/webhooks', { body: newWebhook({ url: 'https://internal-looking.anchor-customer.io/' }) as never });
      expect(error).toMatchObject({ code: 'url_not_allowed' });
      expect(error!.detail).toMatch(/^resolves_to_blocked_ip: /);
      expect(resolver.asked).toEqual(['internal-looking.anchor-customer.io']);
    } finally {
      await app.close();
    }
  });

  it('401 unauthorized: a missing or unknown key, checked before the body is even read', async () => {
    for (const client of [t.clientFor(''), t.clientFor('anc_not-a-real-key-0000000000000000')]) {
      const { error, response } = await client.POST('/v1/webhooks', { body: newWebhook() as never, bodySerializer: () => '{not json' });
      expect(response.status).toBe(401);
      expect(error).toMatchObject({ code: 'unauthorized', title: 'Unauthorized' });
    }
  });

  it('409 webhook_limit_reached: five live webhooks per project; a deleted one frees a slot', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ description: `hook ${i}` })).id);
    const sixth = await t.client.POST('/v1/webhooks', { body: newWebhook() as never });
    expect(sixth.response.status).toBe(409);
    expect(sixth.error).toMatchObject({ code: 'webhook_limit_reached' });

    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: ids[0]! } } });
    await create();
    const { data } = await t.client.GET('/v1/webhooks');
    expect(data!.data.count).toBe(5);
  });

  it('413 payload_too_large: a body over 64 KiB', async () => {
    const { error, response } = await t.client.POST('/v1/webhooks', { body: newWebhook({ description: tooBig() }) as never });
    expect(response.status).toBe(413);
    expect(error).toMatchObject({ code: 'payload_too_large' });
  });

  it('415 unsupported_media_type: a body that is not application/json', async () => {
    const { error, response } = await t.client.POST('/v1/webhooks', {
      body: newWebhook() as never,
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect(error).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('422 idempotency_key_reused: the same key with a different body', async () => {
    const headers = { 'Idempotency-Key': 'order-4711' };
    await t.client.POST('/v1/webhooks', { body: newWebhook(), params: { header: headers } });
    const { error, response } = await t.client.POST('/v1/webhooks', { body: newWebhook({ description: 'other' }), params: { header: headers } });
    expect(response.status).toBe(422);
    expect(error).toMatchObject({ code: 'idempotency_key_reused' });
  });
});

describe('listWebhooks', () => {
  it('200: the live webhooks, newest first, without secrets', async () => {
    const first = await create({ description: 'first' });
    t.clock.advance(1000);
    const second = await create({ description: 'second' });
    t.clock.advance(1000);
    const third = await create({ description: 'third' });
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: second.id } } });

    const { data, response } = await t.client.GET('/v1/webhooks');
    expect(response.status).toBe(200);
    expect(data!.data.count).toBe(2);
    expect(data!.data.items.map((w) => w.id)).toEqual([third.id, first.id]);
    for (const item of data!.data.items) expect(item).not.toHaveProperty('secret');
  });

  it('orders webhooks created in the same millisecond newest first', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create()).id);
    const { data } = await t.client.GET('/v1/webhooks');
    expect(data!.data.items.map((w) => w.id)).toEqual(ids.reverse());
  });

  it('400 for an unknown query parameter; 401 without a key', async () => {
    const { response, error } = await t.client.GET('/v1/webhooks', { params: { query: { page: 2 } } as never });
    expect(response.url).toMatch(/\?page=2$/);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'validation_failed', errors: [{ location: 'query', path: 'page' }] });
    const anonymous = await t.clientFor('').GET('/v1/webhooks');
    expect(anonymous.response.status).toBe(401);
  });
});

describe('getWebhook', () => {
  it('200: the webhook without its secret', async () => {
    const created = await create();
    const { data, response } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.id } } });
    expect(response.status).toBe(200);
    const { secret: _secret, ...publicFields } = created;
    expect(data).toEqual(publicFields);
  });

  it('400 for an id without the wh_ prefix, 404 for an unknown or deleted one, 401 without a key', async () => {
    const malformed = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: 'evt_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y' } } });
    expect(malformed.response.status).toBe(400);
    expect(malformed.error?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'path', path: 'webhook_id' })]));

    const unknown = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: UNKNOWN_ID } } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toMatchObject({ code: 'webhook_not_found', detail: 'Webhook not found in this project.' });

    // Ids are opaque after their prefix: another length or alphabet is a well-formed id, just not one of ours.
    for (const webhook_id of ['wh_nope', 'wh_0123456789abcdef01234567']) {
      const other = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id } } });
      expect(other.error?.code, webhook_id).toBe('webhook_not_found');
    }

    const created = await create();
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.id } } });
    const deleted = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.id } } });
    expect(deleted.error?.code).toBe('webhook_not_found');

    const anonymous = await t.clientFor('').GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: created.id } } });
    expect(anonymous.response.status).toBe(401);
  });
});

describe('updateWebhook', () => {
  it('200: changes only the fields sent; enabled false/true sets and clears disabled_reason', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    t.clock.advance(60_000);

    const disabled = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: false, description: null } });
    expect(disabled.response.status).toBe(200);
    expect(disabled.data).toMatchObject({
      url: created.url,
      subscribed_events: created.subscribed_events,
      description: null,
      enabled: false,
      disabled_reason: 'manual',
      created_at: created.created_at,
      updated_at: new Date(TEST_EPOCH + 60_000).toISOString(),
    });
    expect(disabled.data).not.toHaveProperty('secret');

    const enabled = await t.client.PATCH('/v1/webhooks/{webhook_id}', {
      params: { path },
      body: { enabled: true, subscribed_events: ['session.failed'], url: 'https://NEW.anchor-customer.io:443/x' },
    });
    expect(enabled.data).toMatchObject({
      enabled: true,
      disabled_reason: null,
      subscribed_events: ['session.failed'],
      url: 'https://new.anchor-customer.io/x',
      description: null,
    });

    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data).toEqual(enabled.data);
  });

  it('merge-patch per field: absent keeps the description, null clears it, "" clears it too (for clients that cannot send null)', async () => {
    const created = await create({ description: 'first' });
    const path = { webhook_id: created.id };
    const patch = async (body: Record<string, unknown>) => (await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: body as never })).data!;

    expect((await patch({ enabled: false })).description).toBe('first');
    expect((await patch({ description: null })).description).toBeNull();
    expect((await patch({ description: 'second' })).description).toBe('second');
    expect((await patch({ description: '' })).description).toBeNull();
    expect((await patch({ subscribed_events: ['task.failed'] })).description).toBeNull();

    const kept = await patch({ description: 'third' });
    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data).toEqual(kept);
    expect((await create({ description: '' })).description).toBeNull();
  });

  it('400: null for a field that cannot be empty (url, subscribed_events, enabled), and nothing changes', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    for (const field of ['url', 'subscribed_events', 'enabled']) {
      const result = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { [field]: null } as never });
      expect(result.response.status, field).toBe(400);
      expect(result.error?.errors, field).toEqual([expect.objectContaining({ location: 'body', path: `/${field}` })]);
    }
    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    const { secret: _secret, ...unchanged } = created;
    expect(data).toEqual(unchanged);
  });

  it('400: an empty or missing patch, an unknown field, a URL that breaks a rule (and nothing changes)', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    const empty = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: {} });
    expect(empty.response.status).toBe(400);
    expect(empty.error?.code).toBe('validation_failed');

    const none = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: undefined as never });
    expect(none.response.status).toBe(400);
    expect(none.error?.errors).toEqual([{ location: 'body', path: '', message: 'Send a JSON body: this operation requires one.', rule: 'required' }]);

    const unknown = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { secret: 'mine' } as never });
    expect(unknown.error?.errors).toEqual([expect.objectContaining({ location: 'body', path: '/secret' })]);

    const blocked = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { url: 'https://[::ffff:127.0.0.1]/', enabled: false } });
    expect(blocked.response.status).toBe(400);
    expect(blocked.error?.detail).toMatch(/^ip_not_public: /);

    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    const { secret: _secret, ...unchanged } = created;
    expect(data).toEqual(unchanged);
  });

  it('404 for an unknown webhook, even with a URL that would be rejected; 401; 413; 415', async () => {
    const path = { webhook_id: UNKNOWN_ID };
    const unknown = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { url: 'https://10.0.0.1/' } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe('webhook_not_found');

    const anonymous = await t.clientFor('').PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: true } });
    expect(anonymous.response.status).toBe(401);

    const created = await create();
    const own = { webhook_id: created.id };
    const large = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: own }, body: { description: tooBig() } });
    expect(large.response.status).toBe(413);
    const text = await t.client.PATCH('/v1/webhooks/{webhook_id}', {
      params: { path: own },
      body: { enabled: false },
      bodySerializer: () => 'enabled=false',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(text.response.status).toBe(415);
    expect(text.error?.code).toBe('unsupported_media_type');
  });
});

describe('deleteWebhook', () => {
  it('200: a soft delete; the webhook is gone from reads and a second delete is 404', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    t.clock.advance(5_000);
    const { data, response } = await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(response.status).toBe(200);
    expect(data).toEqual({ id: created.id, deleted: true, deleted_at: new Date(TEST_EPOCH + 5_000).toISOString() });

    const again = await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(again.response.status).toBe(404);
    expect(again.error?.code).toBe('webhook_not_found');
    const patch = await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: true } });
    expect(patch.response.status).toBe(404);
  });

  it('400 for a malformed id; 401 without a key', async () => {
    const malformed = await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: 'WH_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y' } } });
    expect(malformed.response.status).toBe(400);
    const anonymous = await t.clientFor('').DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: UNKNOWN_ID } } });
    expect(anonymous.response.status).toBe(401);
  });
});

describe('rotateWebhookSecret', () => {
  it('200: a new secret; the previous one stays valid for 24 h by default, then only the new one', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    t.clock.advance(1_000);
    const { data, response } = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path } });
    expect(response.status).toBe(200);
    expect(data!.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(data!.secret).not.toBe(created.secret);
    expect(data!.previous_secret_expires_at).toBe(new Date(TEST_EPOCH + 1_000 + DAY_MS).toISOString());
    const { secret: _s, previous_secret_expires_at: _p, ...publicFields } = data!;
    const { secret: _c, previous_secret_expires_at: before, ...createdPublic } = created;
    expect(publicFields).toEqual(createdPublic);
    expect(before).toBeNull();
    // Every read shows until when the old secret is valid, and nothing once it expired.
    const read = async () => (await t.client.GET('/v1/webhooks/{webhook_id}', { params: { path } })).data!.previous_secret_expires_at;
    expect(await read()).toBe(data!.previous_secret_expires_at);
    expect((await t.client.GET('/v1/webhooks')).data!.data.items[0]!.previous_secret_expires_at).toBe(data!.previous_secret_expires_at);

    // What the dispatcher signs with: both during the overlap, then only the new secret.
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([data!.secret, created.secret]);
    t.clock.advance(DAY_MS - 1);
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([data!.secret, created.secret]);
    t.clock.advance(1);
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([data!.secret]);
    expect(await read()).toBeNull();
  });

  it('200: previous_secret_ttl_seconds sets the overlap; 0 revokes at once; rotating again ends the older overlap', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    const first = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path }, body: { previous_secret_ttl_seconds: 60 } });
    expect(first.data!.previous_secret_expires_at).toBe(new Date(TEST_EPOCH + 60_000).toISOString());

    const second = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path } });
    // The secret from create is no longer valid; the first rotation's secret overlaps with the second's.
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([second.data!.secret, first.data!.secret]);

    const revoke = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path }, body: { previous_secret_ttl_seconds: 0 } });
    expect(revoke.data!.previous_secret_expires_at).toBeNull();
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([revoke.data!.secret]);
  });

  it('400 for an out-of-range TTL or unknown field; 404; 401; 413; 415', async () => {
    const created = await create();
    const path = { webhook_id: created.id };
    for (const body of [{ previous_secret_ttl_seconds: 86_401 }, { previous_secret_ttl_seconds: -1 }, { previous_secret_ttl_seconds: 1.5 }, { ttl: 5 }]) {
      const { response, error } = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path }, body: body as never });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error?.code).toBe('validation_failed');
    }
    const unknown = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: UNKNOWN_ID } } });
    expect(unknown.response.status).toBe(404);
    const anonymous = await t.clientFor('').POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path } });
    expect(anonymous.response.status).toBe(401);
    const large = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path }, body: { ttl: tooBig() } as never });
    expect(large.response.status).toBe(413);
    const text = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', {
      params: { path },
      body: {} as never,
      bodySerializer: () => '{}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.response.status).toBe(415);
    // Nothing above rotated anything.
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([created.secret]);
  });
});

describe('rotateWebhookSecret with an Idempotency-Key', () => {
  it('200 replayed: a retry returns the same new secret and rotates nothing again, so the old secret keeps its overlap', async () => {
    const created = await create();
    const params = { path: { webhook_id: created.id }, header: { 'Idempotency-Key': 'rotate-1' } };
    const first = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params, body: { previous_secret_ttl_seconds: 3600 } });
    t.clock.advance(5_000);
    const retry = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params, body: { previous_secret_ttl_seconds: 3600 } });
    expect(retry.response.status).toBe(200);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.response.headers.get('cache-control')).toBe('no-store');
    expect(retry.data).toEqual(first.data);
    // Without the key this retry would have ended the create secret's overlap at once.
    expect(t.stores.secrets.validSecrets(created.id, t.clock.now())).toEqual([first.data!.secret, created.secret]);
  });

  it('422 idempotency_key_reused: the same key with another body, or for another webhook', async () => {
    const a = await create();
    const b = await create();
    const key = { 'Idempotency-Key': 'rotate-2' };
    await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: a.id }, header: key } });
    const otherBody = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: a.id }, header: key }, body: { previous_secret_ttl_seconds: 0 } });
    expect(otherBody.response.status).toBe(422);
    expect(otherBody.error).toMatchObject({ code: 'idempotency_key_reused' });
    const otherWebhook = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: b.id }, header: key } });
    expect(otherWebhook.response.status).toBe(422);
    // Neither refused request rotated anything.
    expect(t.stores.secrets.validSecrets(b.id, t.clock.now())).toEqual([b.secret]);
    expect(t.stores.secrets.validSecrets(a.id, t.clock.now())).toHaveLength(2);
  });

  it('409 idempotency_key_expired: a retry after a later rotation, or after the delete, never shows a secret rotated away', async () => {
    const created = await create();
    const params = { path: { webhook_id: created.id }, header: { 'Idempotency-Key': 'rotate-3' } };
    const first = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params });
    await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: params.path } });
    const stale = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params });
    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ code: 'idempotency_key_expired', detail: expect.stringContaining('rotated away') });
    expect(JSON.stringify(stale.error)).not.toContain(first.data!.secret);

    const second = await create();
    const deleteParams = { path: { webhook_id: second.id }, header: { 'Idempotency-Key': 'rotate-4' } };
    await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: deleteParams });
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: deleteParams.path } });
    const gone = await t.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: deleteParams });
    expect(gone.response.status).toBe(409);
    expect(gone.error).toMatchObject({ code: 'idempotency_key_expired', detail: expect.stringContaining('deleted') });
  });
});

describe('listWebhookEventTypes', () => {
  it("200: the spec's webhooks catalog, in order, with resource, first description paragraph and payload schema", async () => {
    const { data, response } = await t.client.GET('/v1/webhook-event-types');
    expect(response.status).toBe(200);
    const spec = loadBundle('full');
    const types = Object.keys(spec.webhooks);
    expect(data!.data.count).toBe(types.length);
    expect(data!.data.items.map((i) => i.type)).toEqual(types);
    const { example_payload: example, ...info } = data!.data.items[0]!;
    expect(info).toEqual({
      type: 'task.completed',
      resource: 'task',
      description: 'A task run finished successfully.',
      payload_schema: 'TaskCompletedEvent',
    });
    // The spec's example body, with the summary a test event of the type gets.
    const documented = Object.values<any>(spec.webhooks['task.completed']!.post.requestBody.content['application/json'].examples)[0].value;
    expect(example).toEqual({ ...documented, text: 'Task checkout-flow completed' });
    for (const item of data!.data.items) {
      expect(item.type.startsWith(`${item.resource}.`)).toBe(true);
      expect(spec.components.schemas![item.payload_schema]).toBeDefined();
      expect(item.description).not.toMatch(/\n/);
      expect(item.example_payload.type).toBe(item.type);
    }
  });

  it('400 for an unknown query parameter (there are none)', async () => {
    const { response, error } = await t.client.GET('/v1/webhook-event-types', { params: { query: { resource: 'task' } } as never });
    expect(response.status).toBe(400);
    expect(error?.errors).toEqual([expect.objectContaining({ location: 'query', path: 'resource' })]);
  });

  it('401 without a key', async () => {
    const { response, error } = await t.clientFor('').GET('/v1/webhook-event-types');
    expect(response.status).toBe(401);
    expect(error?.code).toBe('unauthorized');
  });
});

describe('getServerInfo', () => {
  it('200: whether webhook URLs may point at private addresses, as the server was started', async () => {
    const { data, response } = await t.client.GET('/v1/server-info');
    expect(response.status).toBe(200);
    expect(data).toEqual({ allow_private_targets: false });
    const local = await startTestApp({ config: { allowPrivateTargets: true } });
    try {
      expect((await local.client.GET('/v1/server-info')).data).toEqual({ allow_private_targets: true });
      for (const entry of local.seen) seenAll.add(entry);
    } finally {
      await local.close();
    }
  });

  it('400 for an unknown query parameter; 401 without a key', async () => {
    const { response } = await t.client.GET('/v1/server-info', { params: { query: { verbose: 1 } } as never });
    expect(response.status).toBe(400);
    expect((await t.clientFor('').GET('/v1/server-info')).response.status).toBe(401);
  });
});

describe('429 rate_limited', () => {
  it('a token bucket per API key with Retry-After, on every operation', async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, config: { rateLimitPerSecond: 1, rateLimitBurst: 2 } });
    try {
      const created = await create({}, app);
      const path = { webhook_id: created.id };
      const calls = [
        () => app.client.GET('/v1/webhooks'),
        () => app.client.POST('/v1/webhooks', { body: newWebhook() }),
        () => app.client.GET('/v1/webhooks/{webhook_id}', { params: { path } }),
        () => app.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: true } }),
        () => app.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path } }),
        () => app.client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path } }),
        () => app.client.GET('/v1/webhook-event-types'),
        () => app.client.GET('/v1/server-info'),
      ];
      for (const call of calls) {
        // The bucket is empty (burst 2, one spent per call, the clock never moves)...
        while ((await app.client.GET('/v1/webhook-event-types')).response.status !== 429);
        const { response, error } = await call();
        expect(response.status).toBe(429);
        expect(error).toMatchObject({ code: 'rate_limited' });
        expect(response.headers.get('retry-after')).toBe('1');
        // ...another key is unaffected...
        const other = app.newProject();
        expect((await other.client.GET('/v1/webhooks')).response.status).toBe(200);
        // ...and a second later one token is back.
        clock.advance(1_000);
        expect((await app.client.GET('/v1/webhooks/{webhook_id}', { params: { path } })).response.status).not.toBe(429);
      }
    } finally {
      for (const entry of app.seen) seenAll.add(entry);
      await app.close();
    }
  });
});

describe('response validation', () => {
  it('is on: a stored row that breaks the schema answers 500 internal_error instead of an invalid body', async () => {
    const created = await create();
    // An event type the spec does not list is valid in a response (an open set); an empty list is not.
    t.db.prepare("UPDATE webhooks SET subscribed_events = '[]' WHERE id = ?").run(created.id);
    const res = await fetch(`${t.baseUrl}/v1/webhooks/${created.id}`, { headers: { 'anchor-api-key': t.apiKey } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'internal_error', status: 500 });
    expect(t.logs.lines.some((line) => line.includes('"level":50') && line.includes('subscribed_events'))).toBe(true);
  });

  it('ANCHOR_VALIDATE_RESPONSES=false switches it off', async () => {
    const app = await startTestApp({ config: { validateResponses: false } });
    try {
      const created = await create({}, app);
      app.db.prepare("UPDATE webhooks SET subscribed_events = '[]' WHERE id = ?").run(created.id);
      const res = await fetch(`${app.baseUrl}/v1/webhooks/${created.id}`, { headers: { 'anchor-api-key': app.apiKey } });
      expect(res.status).toBe(200);
      expect((await res.json()).subscribed_events).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

afterAll(() => {
  // Every documented status of every operation this suite owns, except 500, was seen and checked.
  const spec = loadBundle('full');
  const missing: string[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!OWNED.includes((operation as { operationId?: string }).operationId ?? '')) continue;
      for (const status of Object.keys((operation as { responses: object }).responses)) {
        if (status === '500') continue;
        if (!seenAll.has(`${method.toUpperCase()} ${template} ${status}`)) missing.push(`${method.toUpperCase()} ${template} ${status}`);
      }
    }
  }
  expect(missing).toEqual([]);
});
