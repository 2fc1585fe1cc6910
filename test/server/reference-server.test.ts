/**
 * `startReferenceServer`, the embedding API of @anchor-webhooks/server, from its sources: its
 * defaults, publishing through the API's own validation, the delivery log, waiting for a
 * delivery, every override, and a close that leaves nothing open. Receivers are on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnchorApiError, verifyWebhook } from '@anchor-webhooks/client';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '@anchor-webhooks/server';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { repoRoot } from '../support/spec.js';
import { TEST_EPOCH } from '../support/test-app.js';

const started: ReferenceServer[] = [];
const receivers: Receiver[] = [];
async function start(options?: ReferenceServerOptions): Promise<ReferenceServer> {
  const server = await startReferenceServer(options);
  started.push(server);
  return server;
}
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** Creates a webhook to `url` for these event types and returns its id and secret. */
async function webhookTo(anchor: ReferenceServer, url: string, events: Array<'task.completed' | 'task.failed'> = ['task.completed']) {
  const { data, error } = await anchor.client.POST('/v1/webhooks', { body: { url, subscribed_events: events } });
  if (error) throw new Error(`${error.code}: ${error.detail}`);
  return data;
}

describe('the defaults', () => {
  it('listens on a free loopback port, with a fresh project and a key that works, and nothing shared between servers', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    expect(a.apiKey).not.toBe(b.apiKey);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);

    const created = await webhookTo(a, 'https://93.184.215.14/hook');
    expect(created.project_id).toBe(a.projectId);
    const { data: list } = await b.client.GET('/v1/webhooks');
    expect(list?.data.count).toBe(0);
    // Rate limiting is off, and so is the throttle of failed authentications: a test suite may be
    // as quick as it likes, and test its handling of a wrong key as often as it likes.
    const answers = await Promise.all(Array.from({ length: 300 }, () => a.client.GET('/v1/webhooks')));
    expect(answers.map((r) => r.response.status)).toEqual(answers.map(() => 200));
    const wrongKey = await Promise.all(Array.from({ length: 40 }, () => fetch(`${a.url}/v1/webhooks`, { headers: { 'anchor-api-key': 'not_a_key_of_this_server' } })));
    expect(wrongKey.map((r) => r.status)).toEqual(wrongKey.map(() => 401));
  });

  it('accepts a loopback receiver and retries quickly: 500 then 200 succeeds; a receiver that always fails is dead after 4 attempts', async () => {
    const anchor = await start();
    const flaky = await receiver((_req, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' }));
    const broken = await receiver(() => ({ status: 503, body: 'down' }));
    await webhookTo(anchor, flaky.url);
    const published = await anchor.publish('task.completed');
    const delivered = await anchor.waitForDelivery({ eventId: published.id });
    expect(delivered.attempts.map((a) => [a.status_code, a.error])).toEqual([
      [500, 'http_status'],
      [200, null],
    ]);

    const dead = await webhookTo(anchor, broken.url, ['task.failed']);
    const failed = await anchor.publish('task.failed');
    const gaveUp = await anchor.waitForDelivery({ eventId: failed.id, status: 'dead' });
    expect(gaveUp).toMatchObject({ webhook_id: dead.id, status: 'dead', attempt_count: 4 });
    expect(broken.requests).toHaveLength(4);
  });
});

describe('publish', () => {
  it('goes through POST /v1/events: the event is stored, signed and delivered with its exact body', async () => {
    const anchor = await start();
    const target = await receiver();
    const webhook = await webhookTo(anchor, target.url);

    const published = await anchor.publish('task.completed', undefined, { text: 'Checkout flow done' });
    expect(published).toEqual({ id: expect.stringMatching(/^evt_/), type: 'task.completed', delivery_count: 1 });
    const delivery = await anchor.waitForDelivery({ eventId: published.id });
    const body = target.requests[0]!.rawBody;
    expect(body.toString()).toBe(delivery.payload);
    const event = verifyWebhook({ body, headers: target.requests[0]!.headers, secret: webhook.secret });
    expect(event).toMatchObject({ id: published.id, type: 'task.completed', text: 'Checkout flow done', project_id: anchor.projectId });
  });

  it("rejects what POST /v1/events rejects, with the API's problem: an unknown type, data that breaks the payload schema", async () => {
    const anchor = await start();
    const unknown = await anchor.publish('task.exploded' as 'task.completed').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(AnchorApiError);
    expect(unknown).toMatchObject({ status: 400, code: 'validation_failed' });

    const bad = await anchor.publish('task.failed', { task_id: 42 } as never).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(AnchorApiError);
    expect((bad as AnchorApiError).errors).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'body', path: '/data/task_id' })]));
    expect(await anchor.deliveries()).toEqual([]);
  });
});

describe('deliveries', () => {
  it("is the project's log, oldest first, with attempts; or one webhook's; an unknown webhook throws", async () => {
    const anchor = await start();
    const target = await receiver();
    const one = await webhookTo(anchor, target.url, ['task.completed']);
    const two = await webhookTo(anchor, target.url, ['task.completed', 'task.failed']);
    const first = await anchor.publish('task.completed');
    const second = await anchor.publish('task.failed');
    await anchor.waitForDelivery({ eventId: second.id });
    await anchor.waitForDelivery({ eventId: first.id, webhookId: two.id });
    await anchor.waitForDelivery({ eventId: first.id, webhookId: one.id });

    const all = await anchor.deliveries();
    expect(all.map((d) => d.event_id)).toEqual([first.id, first.id, second.id]);
    expect(new Set(all.slice(0, 2).map((d) => d.webhook_id))).toEqual(new Set([one.id, two.id]));
    expect(all[2]!.webhook_id).toBe(two.id);
    expect(all.every((d) => d.status === 'succeeded' && d.attempts.length === 1 && JSON.parse(d.payload).id === d.event_id)).toBe(true);
    expect((await anchor.deliveries(one.id)).map((d) => d.event_id)).toEqual([first.id]);
    await expect(anchor.deliveries('wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y')).rejects.toThrow(/no webhook wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y in this reference server's project/);
  });
});

describe('waitForDelivery', () => {
  it('rejects as soon as the delivery it waits for is dead, naming its attempts', async () => {
    const anchor = await start({ retrySchedule: [0, 10] });
    const broken = await receiver(() => ({ status: 500, body: 'nope' }));
    await webhookTo(anchor, broken.url);
    const { id } = await anchor.publish('task.completed');
    // A timeout far beyond the test's: only the early rejection can end this wait in time.
    const error = (await anchor.waitForDelivery({ eventId: id, timeoutMs: 600_000 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/reached succeeded \(ended otherwise\)/);
    expect(error.message).toMatch(new RegExp(`\\(task\\.completed, ${id}\\): dead after 2 attempts; last attempt: 500 http_status`));
  });

  it('times out saying what matched, or that nothing did', async () => {
    const anchor = await start();
    const error = (await anchor.waitForDelivery({ eventType: 'task.failed', timeoutMs: 50 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'waitForDelivery: no delivery matching {"eventType":"task.failed"} reached succeeded (not within 50 ms). None matched: was an enabled webhook of this project subscribed to the event type when it was published?',
    );
  });

  it('waits for any status asked for, and is rejected by close()', async () => {
    const anchor = await start({ retrySchedule: [0, 60_000] });
    const broken = await receiver(() => ({ status: 500 }));
    await webhookTo(anchor, broken.url);
    const { id } = await anchor.publish('task.completed');
    const failed = await anchor.waitForDelivery({ eventId: id, status: ['failed', 'dead'] });
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 1, next_attempt_at: expect.any(String) });

    const pending = anchor.waitForDelivery({ eventId: id, timeoutMs: 600_000 }).catch((error: unknown) => error);
    await anchor.close();
    expect(await pending).toEqual(new Error('waitForDelivery: the reference server was closed while waiting'));
    await expect(anchor.deliveries()).rejects.toThrow('the reference server is closed');
    await anchor.close(); // idempotent
  });
});

describe('overrides', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anchor-embedded-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file database and a fixed key keep the project, its webhooks and its log across starts', async () => {
    const options = { dbPath: join(dir, 'anchor.sqlite'), apiKey: 'test_key_0123456789abcdef', retrySchedule: '0,50ms' } as const;
    const first = await start(options);
    expect(first.apiKey).toBe(options.apiKey);
    const target = await receiver();
    const webhook = await webhookTo(first, target.url);
    const { id } = await first.publish('task.completed');
    await first.waitForDelivery({ eventId: id });
    await first.close();

    const again = await start(options);
    expect(again.projectId).toBe(first.projectId);
    expect((await again.deliveries(webhook.id)).map((d) => [d.event_id, d.status])).toEqual([[id, 'succeeded']]);
  });

  it('port, host, config (rate limiting back on), and private targets off', async () => {
    const anchor = await start({ host: '127.0.0.1', port: 0, allowPrivateTargets: false, config: { rateLimitPerSecond: 1, rateLimitBurst: 1 } });
    const refused = await anchor.client.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', subscribed_events: ['task.completed'] } });
    expect(refused.error).toMatchObject({ code: 'url_not_allowed' });
    const limited = await anchor.client.GET('/v1/webhooks');
    expect(limited.response.status).toBe(429);
  });

  it('a clock and a resolver: what is stored and signed follows the clock; host names resolve through the resolver, never DNS', async () => {
    const target = await receiver();
    const asked: string[] = [];
    const anchor = await start({
      clock: { now: () => TEST_EPOCH },
      resolver: async (hostname) => (asked.push(hostname), [{ address: '127.0.0.1', family: 4 }]),
    });
    const webhook = await webhookTo(anchor, `http://receiver.anchor-customer.io:${target.port}/hook`);
    expect(webhook.created_at).toBe(new Date(TEST_EPOCH).toISOString());
    const { id } = await anchor.publish('task.completed');
    const delivery = await anchor.waitForDelivery({ eventId: id });
    expect(delivery.attempts[0]!.request_headers['anchor-timestamp']).toBe(String(Math.floor(TEST_EPOCH / 1000)));
    expect(asked).toContain('receiver.anchor-customer.io');
  });

  it('bad options are a TypeError naming the option; a port in use rejects', async () => {
    await expect(startReferenceServer({ retrySchedule: 'soon' })).rejects.toThrow(/^retrySchedule: "soon" is not a duration/);
    await expect(startReferenceServer({ retrySchedule: [] })).rejects.toThrow('retrySchedule: expected 1 to 100 delays');
    await expect(startReferenceServer({ retrySchedule: [0, -5] })).rejects.toThrow(/^retrySchedule: expected delays of 0 ms or more/);
    await expect(startReferenceServer({ apiKey: 'short' })).rejects.toThrow('apiKey: expected 16 to 256 visible ASCII characters (no spaces)');
    await expect(startReferenceServer({ deliveryTimeoutMs: 0 })).rejects.toThrow(TypeError);
    const taken = await start();
    const port = Number(new URL(taken.url).port);
    await expect(startReferenceServer({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('close', () => {
  it('leaves nothing open: a process that starts, delivers and closes exits by itself', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchor-embedded-exit-'));
    const script = join(dir, 'embed.mts');
    writeFileSync(
      script,
      `
import { createServer } from 'node:http';
import { startReferenceServer } from ${JSON.stringify(join(repoRoot, 'server/index.ts'))};

const receiver = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const anchor = await startReferenceServer({ dbPath: ${JSON.stringify(join(dir, 'db.sqlite'))} });
const port = (receiver.address() as { port: number }).port;
await anchor.client.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:' + port + '/', subscribed_events: ['task.completed'] } });
const { id } = await anchor.publish('task.completed');
const delivery = await anchor.waitForDelivery({ eventId: id });
await anchor.close();
receiver.close();
console.log(delivery.status);
// No process.exit: the process ends only if nothing is left open.
`,
    );
    try {
      const run = promisify(execFile);
      const tsx = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
      const { stdout } = await run(process.execPath, [tsx, script], { cwd: repoRoot, timeout: 45_000 });
      expect(stdout.trim()).toBe('succeeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
