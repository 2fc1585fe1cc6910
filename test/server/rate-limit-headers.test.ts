/**
 * Rate limits made visible (issue 14 §3) and failed authentication throttled (issue 15 L6).
 * `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers) are on every 2xx and
 * 4xx API answer a bucket judged, a 429 included, where `Retry-After` stays; 300 wrong keys from
 * one address get 429s once its bucket of failures is empty, while a valid key from the same
 * address keeps working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../client/rate-limit.js';
import { clientAddress } from '../../server/http/rate-limit.js';
import { createTokenBuckets } from '../../server/http/token-buckets.js';
import { loadBundle, operationsOf } from '../support/spec.js';
import { createTestClock, newWebhook, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A GET with the app's key, another key, or none (`null`). */
const get = (app: TestApp, path: string, apiKey: string | null = app.apiKey) =>
  fetch(`${app.baseUrl}${path}`, { headers: apiKey === null ? {} : { 'anchor-api-key': apiKey } });

describe('RateLimit headers', () => {
  it('on 2xx and 4xx answers: the policy, and the requests left going down', async () => {
    const clock = createTestClock();
    t = await startTestApp({ clock, config: { rateLimitPerSecond: 2, rateLimitBurst: 5 } });
    const answers = [
      await get(t, '/v1/webhooks'), // 200
      await get(t, '/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y'), // 404
      await get(t, '/v1/webhooks?limit=1'), // 400
      await fetch(`${t.baseUrl}/v1/webhooks`, { method: 'POST', headers: { 'anchor-api-key': t.apiKey, 'content-type': 'text/plain' }, body: 'x' }), // 415
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 404, 400, 415]);
    for (const [i, res] of answers.entries()) {
      expect(res.headers.get('ratelimit-policy')).toBe('"per-key";q=5;w=3');
      expect(parseRateLimit(res.headers)!.limits).toEqual([{ name: 'per-key', remaining: 4 - i, resetSeconds: Math.ceil((i + 1) / 2) }]);
    }
    // The typed client reads them too.
    const { response } = await t.client.POST('/v1/webhooks', { body: newWebhook() });
    expect(parseRateLimit(response.headers)).toEqual({ policies: [{ name: 'per-key', quota: 5, windowSeconds: 3 }], limits: [{ name: 'per-key', remaining: 0, resetSeconds: 3 }] });
  });

  it('on the 2xx of every operation', async () => {
    t = await startTestApp({ config: { rateLimitPerSecond: 100, rateLimitBurst: 1000 } });
    const c = t.client;
    const seen: Array<[string, number, string | null]> = [];
    const note = ({ response }: { response: Response }, name: string) => {
      seen.push([name, response.status, response.headers.get('ratelimit')]);
      return response;
    };
    const created = await c.POST('/v1/webhooks', { body: newWebhook() });
    note(created, 'createWebhook');
    const path = { webhook_id: created.data!.id };
    note(await c.GET('/v1/webhooks'), 'listWebhooks');
    note(await c.GET('/v1/webhooks/{webhook_id}', { params: { path } }), 'getWebhook');
    note(await c.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { description: 'x' } }), 'updateWebhook');
    note(await c.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path } }), 'rotateWebhookSecret');
    const test = await c.POST('/v1/webhooks/{webhook_id}/test', { params: { path }, body: { event_type: 'task.completed' } });
    note(test, 'sendWebhookTestEvent');
    note(await c.GET('/v1/webhooks/{webhook_id}/events', { params: { path } }), 'listWebhookEvents');
    const delivery = { ...path, delivery_id: test.data!.delivery_id };
    note(await c.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: delivery } }), 'getWebhookEvent');
    t.db.prepare("UPDATE deliveries SET status = 'dead', next_attempt_at = NULL").run();
    note(await c.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params: { path: delivery } }), 'redeliverWebhookEvent');
    note(await c.GET('/v1/webhook-event-types'), 'listWebhookEventTypes');
    note(await c.GET('/v1/webhooks/{webhook_id}/stats', { params: { path } }), 'getWebhookStats');
    note(await c.GET('/v1/server-info'), 'getServerInfo');
    note(await c.POST('/v1/events', { body: { type: 'task.completed' } }), 'publishEvent');
    note(await c.DELETE('/v1/webhooks/{webhook_id}', { params: { path } }), 'deleteWebhook');
    expect(seen.map(([name]) => name).sort()).toEqual(operationsOf(loadBundle('full')).map(({ operation }) => operation.operationId).sort());
    for (const [name, status, header] of seen) {
      expect(status, name).toBeLessThan(300);
      expect(header, name).toMatch(/^"per-key";r=\d+;t=\d+$/);
    }
  });

  it('after a 429: none left, Retry-After for the next request, and the reset', async () => {
    const clock = createTestClock();
    t = await startTestApp({ clock, config: { rateLimitPerSecond: 1, rateLimitBurst: 2 } });
    await get(t, '/v1/webhooks');
    await get(t, '/v1/webhooks');
    const limited = await get(t, '/v1/webhooks');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(parseRateLimit(limited.headers)!.limits).toEqual([{ name: 'per-key', remaining: 0, resetSeconds: 2 }]);
    expect((await limited.json()).code).toBe('rate_limited');
    clock.advance(1_000);
    const again = await get(t, '/v1/webhooks');
    expect(again.status).toBe(200);
    expect(parseRateLimit(again.headers)!.limits).toEqual([{ name: 'per-key', remaining: 0, resetSeconds: 2 }]);
  });

  it('absent when rate limiting is off (ANCHOR_RATE_LIMIT_PER_SECOND=0)', async () => {
    t = await startTestApp();
    const res = await get(t, '/v1/webhooks');
    expect(res.headers.get('ratelimit')).toBeNull();
    expect(res.headers.get('ratelimit-policy')).toBeNull();
  });
});

describe('failed authentication, throttled per client address', () => {
  it('300 wrong keys from one address: 401 up to the burst, then 429 with Retry-After; a valid key still works', async () => {
    const clock = createTestClock();
    t = await startTestApp({ clock, config: { authFailurePerSecond: 10 / 60, authFailureBurst: 20 } });
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await get(t, '/v1/webhooks', i % 3 === 0 ? null : `anc_wrong_${i.toString().padStart(40, '0')}`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('6');
        expect(parseRateLimit(res.headers)).toEqual({ policies: [{ name: 'auth-failures', quota: 20, windowSeconds: 120 }], limits: [{ name: 'auth-failures', remaining: 0, resetSeconds: 120 }] });
        expect(await res.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('failed authentications') });
      }
      // The right key from the same address, at any point.
      if (i % 50 === 49) expect((await get(t, '/v1/webhooks')).status).toBe(200);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(280).fill(429));
    // Six seconds later one more failure is allowed: a person who mistyped is not locked out.
    clock.advance(6_000);
    expect((await get(t, '/v1/webhooks', 'anc_wrong')).status).toBe(401);
    expect((await get(t, '/v1/webhooks', 'anc_wrong')).status).toBe(429);
  });

  it('a 401 tells how many failures the address has left', async () => {
    t = await startTestApp({ config: { authFailurePerSecond: 1, authFailureBurst: 3 } });
    const first = await get(t, '/v1/webhooks', 'anc_wrong');
    expect(first.status).toBe(401);
    expect(parseRateLimit(first.headers)!.limits).toEqual([{ name: 'auth-failures', remaining: 2, resetSeconds: 1 }]);
  });

  it('buckets are per address: an IPv6 client is one /64, a v4-mapped address is its IPv4 address', () => {
    const at = (remoteAddress: string) => clientAddress({ socket: { remoteAddress } } as never);
    expect(at('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(at('2001:db8:1:2:aaaa::1')).toBe(at('2001:db8:1:2:ffff::9'));
    expect(at('2001:db8:1:2::1')).not.toBe(at('2001:db8:1:3::1'));
    expect(at('203.0.113.9')).toBe('203.0.113.9');
  });

  it('a flood of distinct addresses cannot grow memory without bound', () => {
    const clock = createTestClock();
    const buckets = createTokenBuckets({ name: 'x', perSecond: 1, burst: 2, clock, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
    // Every bucket is still in use (nothing refilled), so the oldest went; the newest is kept.
    const newest = buckets.take('10.0.39.15');
    expect(newest.remaining).toBe(0);
    const oldest = buckets.take('10.0.0.0');
    expect(oldest.remaining).toBe(1);
  });
});
