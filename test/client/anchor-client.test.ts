import { afterEach, describe, expect, it } from 'vitest';
import { AnchorApiError, createAnchorClient, isProblem, parseRateLimit, retryAfterMs, throwOnError, USER_AGENT, type RetryOptions } from '../../client/index.js';
import { dropConnection, json, problem, startScriptedServer, type ScriptedResponse } from './support/scripted-server.js';

const WEBHOOK = {
  id: 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y',
  project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197',
  url: 'https://your-app.example.com/anchor/webhooks',
  description: null,
  subscribed_events: ['task.completed'],
  enabled: true,
  disabled_reason: null,
  created_at: '2026-05-14T09:21:07.412Z',
  updated_at: '2026-05-14T09:21:07.412Z',
};
const path = { webhook_id: WEBHOOK.id };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setup(script: ScriptedResponse[], retry?: RetryOptions | boolean) {
  const server = await startScriptedServer(script);
  closers.push(server.close);
  const sleeps: number[] = [];
  const retryOptions = retry === true ? {} : retry;
  const anchor = createAnchorClient({
    apiKey: 'ak_secret_key',
    baseUrl: server.baseUrl,
    ...(retryOptions !== undefined && retryOptions !== false
      ? { retry: { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, ...retryOptions } }
      : {}),
  });
  return { anchor, requests: server.requests, sleeps };
}

describe('createAnchorClient', () => {
  it('sends the API key and a User-Agent on every request', async () => {
    const { anchor, requests } = await setup([json(200, WEBHOOK)]);
    const { data } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data?.id).toBe(WEBHOOK.id);
    expect(requests[0]).toMatchObject({ method: 'GET', url: `/v1/webhooks/${WEBHOOK.id}` });
    expect(requests[0]!.headers['anchor-api-key']).toBe('ak_secret_key');
    expect(requests[0]!.headers['user-agent']).toBe(USER_AGENT);
  });

  it('puts the application name before its own User-Agent', async () => {
    const server = await startScriptedServer([json(200, WEBHOOK)]);
    closers.push(server.close);
    const anchor = createAnchorClient({ apiKey: 'k', baseUrl: server.baseUrl, userAgent: 'billing-sync/2.3' });
    await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(server.requests[0]!.headers['user-agent']).toBe(`billing-sync/2.3 ${USER_AGENT}`);
  });

  it('defaults to the production base URL', async () => {
    const seen: string[] = [];
    const anchor = createAnchorClient({
      apiKey: 'k',
      fetch: async (input) => {
        seen.push((input as Request).url);
        return new Response(JSON.stringify({ data: { count: 0, items: [] } }), { headers: { 'content-type': 'application/json' } });
      },
    });
    await anchor.GET('/v1/webhooks');
    expect(seen).toEqual(['https://api.anchorbrowser.io/v1/webhooks']);
  });
});

describe('problem answers', () => {
  it('come back as a typed error with code, status and detail', async () => {
    const { anchor } = await setup([problem(404, 'webhook_not_found', 'Webhook not found in this project.')]);
    const { data, error, response } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: 'webhook_not_found', status: 404, detail: 'Webhook not found in this project.' });
    expect(isProblem(error)).toBe(true);
  });

  it('throwOnError returns the data, or throws an AnchorApiError with the problem', async () => {
    const issues = [{ location: 'body', path: '/url', message: 'must match format "uri"' }];
    const { anchor } = await setup([
      json(200, WEBHOOK),
      json(400, { type: 'https://docs.anchorbrowser.io/webhooks#/errors/validation_failed', title: 'Validation failed', status: 400, detail: 'bad url', code: 'validation_failed', errors: issues }),
    ]);
    const webhook = await throwOnError(anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } }));
    expect(webhook.url).toBe(WEBHOOK.url);
    const failure = await throwOnError(anchor.POST('/v1/webhooks', { body: { url: 'nope', subscribed_events: ['task.completed'] } })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AnchorApiError);
    const err = failure as AnchorApiError;
    expect([err.status, err.code, err.detail]).toEqual([400, 'validation_failed', 'bad url']);
    expect(err.errors).toEqual(issues);
    expect(err.message).toBe('400 validation_failed: bad url');
  });

  it("AnchorApiError exposes the answer's request id and its parsed RateLimit headers", async () => {
    const headers = { 'request-id': 'req_from_header', 'ratelimit-policy': '"per-key";q=200;w=2', ratelimit: '"per-key";r=0;t=2', 'retry-after': '1' };
    const { anchor } = await setup([
      json(429, { type: 'https://docs.anchorbrowser.io/webhooks/errors#rate_limited', title: 'Rate limited', status: 429, detail: 'Too many requests; retry after 1 second.', code: 'rate_limited', request_id: 'req_3f2c', error: { code: 429, message: 'Too many requests; retry after 1 second.' } }, headers),
      { status: 502, headers: { 'content-type': 'text/html', 'request-id': 'req_gateway' }, body: 'Bad gateway' },
    ]);
    const limited = (await throwOnError(anchor.GET('/v1/webhooks')).catch((e: unknown) => e)) as AnchorApiError;
    expect(limited.requestId).toBe('req_3f2c');
    expect(limited.message).toBe('429 rate_limited: Too many requests; retry after 1 second. (request req_3f2c)');
    expect(limited.rateLimit).toEqual({ policies: [{ name: 'per-key', quota: 200, windowSeconds: 2 }], limits: [{ name: 'per-key', remaining: 0, resetSeconds: 2 }] });
    // Not a problem (a proxy's page): the header still names the request.
    const gateway = (await throwOnError(anchor.GET('/v1/webhooks')).catch((e: unknown) => e)) as AnchorApiError;
    expect([gateway.code, gateway.requestId, gateway.rateLimit]).toEqual(['unexpected_response', 'req_gateway', undefined]);
  });

  it('a non-problem error answer becomes unexpected_response with the status', async () => {
    const { anchor } = await setup([{ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' }]);
    const err = (await throwOnError(anchor.GET('/v1/webhooks')).catch((e: unknown) => e)) as AnchorApiError;
    expect([err.status, err.code, err.detail]).toEqual([502, 'unexpected_response', '<h1>Bad gateway</h1>']);
    expect(isProblem('<h1>Bad gateway</h1>')).toBe(false);
  });
});

describe('retries', () => {
  const unavailable = problem(503, 'internal_error', 'try later');

  it('are off by default', async () => {
    const { anchor, requests } = await setup([unavailable, json(200, WEBHOOK)]);
    const { error } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(error?.code).toBe('internal_error');
    expect(requests).toHaveLength(1);
  });

  it('retry a GET on 5xx with exponential backoff and jitter, then succeed', async () => {
    const { anchor, requests, sleeps } = await setup([unavailable, { status: 500 }, json(200, WEBHOOK)], { retries: 3, baseDelayMs: 100 });
    const { data } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data?.id).toBe(WEBHOOK.id);
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]); // random() = 0.5 of 100, then of 200
    expect(requests.every((r) => r.headers['anchor-api-key'] === 'ak_secret_key')).toBe(true);
  });

  it('cap the backoff step at maxDelayMs', async () => {
    const { anchor, sleeps } = await setup([unavailable], { retries: 4, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999 });
    await anchor.GET('/v1/webhooks');
    expect(sleeps).toEqual([999, 1998, 2997, 2997]);
  });

  it('wait exactly Retry-After on 429, in seconds or as an HTTP date', async () => {
    const now = Date.parse('2026-05-14T09:21:07Z');
    const { anchor, sleeps, requests } = await setup(
      [
        problem(429, 'rate_limited', 'slow down', { 'retry-after': '2' }),
        problem(429, 'rate_limited', 'slow down', { 'retry-after': new Date(now + 7000).toUTCString() }),
        json(200, { data: { count: 0, items: [] } }),
      ],
      { now: () => now },
    );
    const { data } = await anchor.GET('/v1/webhooks');
    expect(data?.data.count).toBe(0);
    expect(sleeps).toEqual([2000, 7000]);
    expect(requests).toHaveLength(3);
  });

  it('give up when Retry-After is longer than maxRetryAfterMs, returning the 429', async () => {
    const { anchor, sleeps, requests } = await setup([problem(429, 'rate_limited', 'later', { 'retry-after': '3600' })], true);
    const { error } = await anchor.GET('/v1/webhooks');
    expect(error?.code).toBe('rate_limited');
    expect([sleeps, requests.length]).toEqual([[], 1]);
  });

  it('return the last answer when the retries run out', async () => {
    const { anchor, requests } = await setup([unavailable], { retries: 2 });
    const { error, response } = await anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path } });
    expect([response.status, error?.code, requests.length]).toEqual([503, 'internal_error', 3]);
  });

  it('retry a create that carries an Idempotency-Key, resending the same body and key', async () => {
    const created = { ...WEBHOOK, secret: 'a'.repeat(64) };
    const { anchor, requests } = await setup([unavailable, json(201, created)], true);
    const body = { url: WEBHOOK.url, subscribed_events: ['task.completed' as const] };
    const { data } = await anchor.POST('/v1/webhooks', { params: { header: { 'Idempotency-Key': 'key-1' } }, body });
    expect(data?.secret).toBe(created.secret);
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => [r.headers['idempotency-key'], JSON.parse(r.body)])).toEqual([
      ['key-1', body],
      ['key-1', body],
    ]);
  });

  it('never retry a create without an Idempotency-Key, a PATCH, or a 4xx', async () => {
    const { anchor, requests } = await setup([unavailable], { retries: 5 });
    await anchor.POST('/v1/webhooks', { body: { url: WEBHOOK.url, subscribed_events: ['task.completed'] } });
    await anchor.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: false } });
    expect(requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);

    const second = await setup([problem(409, 'webhook_disabled', 'disabled')], { retries: 5 });
    await second.anchor.GET('/v1/webhooks');
    expect(second.requests).toHaveLength(1);
  });

  it('report each retry to onRetry', async () => {
    const seen: Array<{ attempt: number; status?: number }> = [];
    const { anchor } = await setup([unavailable, unavailable, json(200, WEBHOOK)], { retries: 2, onRetry: ({ attempt, status }) => seen.push({ attempt, status }) });
    await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(seen).toEqual([
      { attempt: 1, status: 503 },
      { attempt: 2, status: 503 },
    ]);
  });

  it('retry an idempotent request that got no answer at all (connection reset), sharing one budget with 5xx', async () => {
    const seen: Array<{ attempt: number; status?: number; error?: string }> = [];
    const { anchor, requests, sleeps } = await setup([dropConnection, unavailable, json(200, WEBHOOK)], {
      retries: 2,
      baseDelayMs: 100,
      onRetry: ({ attempt, status, error }) => seen.push(status === undefined ? { attempt, error: (error as Error).name } : { attempt, status }),
    });
    const { data } = await anchor.GET('/v1/webhooks/{webhook_id}', { params: { path } });
    expect(data?.id).toBe(WEBHOOK.id);
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
    expect(seen).toEqual([
      { attempt: 1, error: 'TypeError' },
      { attempt: 2, status: 503 },
    ]);
  });

  it('reject with the network error when every attempt fails, after exactly `retries` retries', async () => {
    const { anchor, requests } = await setup([dropConnection], { retries: 2 });
    await expect(anchor.DELETE('/v1/webhooks/{webhook_id}', { params: { path } })).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(3);

    // A 5xx first, then only resets: the last failure is what the caller gets.
    const mixed = await setup([unavailable, dropConnection], { retries: 2 });
    await expect(mixed.anchor.GET('/v1/webhooks')).rejects.toThrow(TypeError);
    expect(mixed.requests).toHaveLength(3);
  });

  it('never retry a network error of a request that may not be repeated, nor one the caller aborted', async () => {
    const { anchor, requests } = await setup([dropConnection], { retries: 5 });
    await expect(anchor.POST('/v1/webhooks', { body: { url: WEBHOOK.url, subscribed_events: ['task.completed'] } })).rejects.toThrow(TypeError);
    await expect(anchor.PATCH('/v1/webhooks/{webhook_id}', { params: { path }, body: { enabled: false } })).rejects.toThrow(TypeError);
    expect(requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);

    const aborted = await setup([json(200, WEBHOOK)], { retries: 5 });
    const controller = new AbortController();
    controller.abort();
    await expect(aborted.anchor.GET('/v1/webhooks', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(aborted.requests).toHaveLength(0);
  });

  it('retryAfterMs reads seconds and dates and ignores garbage', () => {
    expect(retryAfterMs('5', 0)).toBe(5000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 20_000)).toBe(0);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});

describe('parseRateLimit', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('reads the IETF draft\'s structured-field lists, several policies included', () => {
    expect(parseRateLimit(headers({ 'ratelimit-policy': '"per-key";q=200;w=2, "daily";q=1000;w=86400', ratelimit: '"per-key";r=150;t=1' }))).toEqual({
      policies: [
        { name: 'per-key', quota: 200, windowSeconds: 2 },
        { name: 'daily', quota: 1000, windowSeconds: 86400 },
      ],
      limits: [{ name: 'per-key', remaining: 150, resetSeconds: 1 }],
    });
  });

  it('takes tokens as names, and skips items it cannot read', () => {
    expect(parseRateLimit(headers({ 'ratelimit-policy': 'burst;q=10;w=1, "broken";w=5, ;;, "ok";q=1', ratelimit: '"a";r=x, "b";r=3' }))).toEqual({
      policies: [
        { name: 'burst', quota: 10, windowSeconds: 1 },
        { name: 'ok', quota: 1, windowSeconds: undefined },
      ],
      limits: [{ name: 'b', remaining: 3, resetSeconds: undefined }],
    });
  });

  it('is undefined for an answer without the headers', () => {
    expect(parseRateLimit(headers({}))).toBeUndefined();
  });
});
