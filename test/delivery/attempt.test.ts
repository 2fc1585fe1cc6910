/**
 * `sendAttempt` on its own, against loopback receivers that answer in awkward ways: what a
 * receiver sends back is read as far as it is worth (1 KiB kept, 64 KiB more drained to keep the
 * connection, then dropped), and every way an attempt can end becomes an outcome.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryAgent, createPreflight } from '../../server/delivery/agent.js';
import { sendAttempt, type AttemptOutcome } from '../../server/delivery/attempt.js';

type Receiver = { url: string; sockets: Set<Socket>; connections: number; close(): Promise<void> };

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?x=1`,
    sockets,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  open.push(r);
  return r;
}

function agent() {
  const a = createDeliveryAgent({ allowPrivateTargets: true, connectionsPerWebhook: 5 });
  open.push({ close: () => a.close() });
  return a;
}

const attempt = (url: string, options: { timeoutMs?: number; deadline?: AbortSignal; dispatcher?: ReturnType<typeof agent> } = {}): Promise<AttemptOutcome> =>
  sendAttempt(
    { url, headers: { 'content-type': 'application/json' }, body: '{"id":"evt_1"}', webhookId: 'wh_1' },
    { agent: options.dispatcher ?? agent(), timeoutMs: options.timeoutMs ?? 2_000, preflight: createPreflight(true), ...(options.deadline ? { deadline: options.deadline } : {}) },
  );

describe('sendAttempt', () => {
  it('keeps the first 1 KiB of a chunked answer and reuses the connection for the next attempt', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-trace': 'abc' });
      res.write('a'.repeat(700));
      setTimeout(() => res.end('b'.repeat(700)), 5);
    });
    const dispatcher = agent();
    const first = await attempt(r.url, { dispatcher });
    expect(first).toMatchObject({ ok: true, statusCode: 200, error: null, responseExcerpt: 'a'.repeat(700) + 'b'.repeat(324) });
    expect(first.responseHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-trace': 'abc', 'transfer-encoding': 'chunked' });
    // The body was read to its end, so the connection stays open for the next attempt.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.sockets.size).toBe(1);
    await attempt(r.url, { dispatcher });
    expect(r.connections).toBe(1);
  });

  it('an empty answer has no excerpt', async () => {
    const r = await receiver((_req, res) => res.writeHead(204).end());
    expect(await attempt(r.url)).toMatchObject({ ok: true, statusCode: 204, responseExcerpt: null });
  });

  it('past the drain bound the answer still counts and its connection is dropped, not read to the end', async () => {
    let written = 0;
    let closedAt: number | undefined;
    const r = await receiver((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      // 16 MiB in 64 KiB writes, as fast as the socket takes them.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < 256 && !res.destroyed) {
          written++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closedAt = written));
      pump();
    });
    const outcome = await attempt(r.url);
    expect(outcome).toMatchObject({ ok: false, statusCode: 500, error: 'http_status', responseExcerpt: 'x'.repeat(1024) });
    // The receiver sees its answer cut off long before the 16 MiB are out.
    await expect.poll(() => closedAt).toBeDefined();
    expect(closedAt).toBeLessThan(256);
  });

  it('a 1xx before the answer is skipped', async () => {
    const r = await receiver((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeHead(200).end('ok');
    });
    expect(await attempt(r.url)).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: 'ok' });
  });

  it('a character cut at the 1 KiB mark becomes U+FFFD, not an error', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end(`${'a'.repeat(1023)}é and more`));
    const outcome = await attempt(r.url);
    expect(outcome.responseExcerpt).toBe(`${'a'.repeat(1023)}\uFFFD`);
  });

  it('429 gives its Retry-After, and a redirect its Location', async () => {
    const limited = await receiver((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    expect(await attempt(limited.url)).toMatchObject({ ok: false, statusCode: 429, error: 'http_status', retryAfter: '7' });
    const moved = await receiver((_req, res) => res.writeHead(308, { location: 'https://elsewhere.example/hook' }).end());
    const outcome = await attempt(moved.url);
    expect(outcome).toMatchObject({ ok: false, statusCode: 308, error: 'redirect', retryAfter: null });
    expect(outcome.errorMessage).toContain('Location: https://elsewhere.example/hook');
  });

  it('an answer whose body stalls past the timeout is a timeout, and so is a deadline already passed', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const stalled = await attempt(r.url, { timeoutMs: 150 });
    expect(stalled).toMatchObject({ ok: false, statusCode: null, error: 'timeout' });
    expect(stalled.durationMs).toBeGreaterThanOrEqual(100);

    const passed = new AbortController();
    passed.abort();
    expect(await attempt(r.url, { deadline: passed.signal })).toMatchObject({ ok: false, error: 'timeout' });
  });

  it('a shared deadline ends every attempt waiting on it', async () => {
    const r = await receiver(() => {});
    const deadline = new AbortController();
    const dispatcher = agent();
    const attempts = [attempt(r.url, { deadline: deadline.signal, dispatcher }), attempt(r.url, { deadline: deadline.signal, dispatcher })];
    setTimeout(() => deadline.abort(), 100);
    for (const outcome of await Promise.all(attempts)) expect(outcome).toMatchObject({ ok: false, error: 'timeout' });
  });

  it('a refused connection is a connection error', async () => {
    const r = await receiver(() => {});
    const url = r.url;
    await r.close();
    expect(await attempt(url)).toMatchObject({ ok: false, statusCode: null, error: 'connection' });
  });
});
