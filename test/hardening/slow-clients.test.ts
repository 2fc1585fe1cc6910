/**
 * Slow clients (slowloris): headers or a body dripping in byte by byte do not hold up anyone
 * else, and are answered 408 and disconnected once ANCHOR_HEADERS_TIMEOUT_MS or
 * ANCHOR_REQUEST_TIMEOUT_MS has passed. The real `startServing` (what `serve` runs), with the
 * timeouts made small through its config.
 */
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServing, type Served } from '../../server/commands/serve.js';
import { ConfigError, defaultConfig, loadConfig } from '../../server/config.js';
import { stubResolver } from '../support/test-app.js';

const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1_500;
const API_KEY = 'anc_slow_clients_test_key_0123456789';

let running: Served;
let port: number;

beforeAll(async () => {
  const config = defaultConfig({
    dbPath: ':memory:',
    port: 0,
    host: '127.0.0.1',
    apiKey: API_KEY,
    rateLimitPerSecond: 0,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    logLevel: 'silent',
  });
  running = await startServing(config, { logger: pino({ level: 'silent' }), resolver: stubResolver(), output: { out: () => {}, err: () => {}, isTTY: false } });
  port = Number(new URL(running.url).port);
  // The validator compiles each operation's schemas on its first request: done here, so the
  // measured window below is about slow clients, not that one-time compile.
  await normalRequests(1);
});
afterAll(async () => {
  await running?.runtime.close();
});

type Drip = { socket: Socket; received: () => string; closedAfterMs: Promise<number>; stop(): void };

/** Opens a connection and sends `head` at once, then `chunk` every `everyMs`, never finishing. */
function drip(head: string, chunk: (i: number) => string, everyMs = 100): Promise<Drip> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => (received += data));
    socket.on('error', () => {}); // the server may reset it; 'close' follows
    socket.once('connect', () => {
      const opened = performance.now();
      const closedAfterMs = new Promise<number>((done) => socket.once('close', () => done(performance.now() - opened)));
      let i = 0;
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(chunk(i++));
      }, everyMs);
      void closedAfterMs.then(() => clearInterval(timer));
      resolve({ socket, received: () => received, closedAfterMs, stop: () => (clearInterval(timer), socket.destroy()) });
    });
    socket.once('error', reject);
  });
}

/** A normal client: `count` requests one after another, each on a fresh connection. */
async function normalRequests(count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } });
    await health.text();
    const list = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, { headers: { 'anchor-api-key': API_KEY, connection: 'close' } });
    await list.text();
    statuses.push(health.status, list.status);
  }
  return statuses;
}

describe('slow clients', () => {
  it('200 connections dripping their headers do not block other clients, and each is cut off with 408 after the headers timeout', async () => {
    const drips = await Promise.all(
      Array.from({ length: 200 }, () => drip('GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n', (i) => `X-Drip-${i}: ${'a'.repeat(8)}\r\n`)),
    );
    try {
      // Served while every dripping connection is still open.
      const statuses = await normalRequests(5);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(drips.filter((d) => d.socket.destroyed)).toHaveLength(0);

      const closedAfter = await Promise.all(drips.map((d) => d.closedAfterMs));
      // Never before the timeout; well within a loaded machine's margin after it.
      expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(Math.max(...closedAfter)).toBeLessThan(HEADERS_TIMEOUT_MS + 10_000);
      for (const d of drips) expect(d.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      for (const d of drips) d.stop();
    }
  }, 30_000);

  it('a body dripping in is cut off with 408 after the request timeout, while another client creates a webhook', async () => {
    const body = JSON.stringify({ url: 'https://hooks.anchor-customer.io/anchor/webhooks', subscribed_events: ['task.completed'], description: 'x'.repeat(200) });
    const head = `POST /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nanchor-api-key: ${API_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const slow = await drip(head, (i) => body.slice(i * 4, i * 4 + 4), 100);
    try {
      const created = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, {
        method: 'POST',
        headers: { 'anchor-api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://hooks.anchor-customer.io/fast', subscribed_events: ['task.failed'] }),
      });
      expect(created.status).toBe(201);
      expect(slow.socket.destroyed).toBe(false);

      const closedAfterMs = await slow.closedAfterMs;
      expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 10_000);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
      // Nothing of the cut-off request was stored.
      const list = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, { headers: { 'anchor-api-key': API_KEY } });
      const { data } = (await list.json()) as { data: { items: Array<{ url: string }> } };
      expect(data.items.map((w) => w.url)).toEqual(['https://hooks.anchor-customer.io/fast']);
    } finally {
      slow.stop();
    }
  }, 30_000);

  it('the timeouts are configurable, and nonsense is refused at start-up', () => {
    expect(loadConfig({ ANCHOR_HEADERS_TIMEOUT_MS: '2000', ANCHOR_REQUEST_TIMEOUT_MS: '5000' })).toMatchObject({ headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
    // The request timeout is never below the headers timeout (Node refuses that).
    expect(loadConfig({ ANCHOR_HEADERS_TIMEOUT_MS: '60000' })).toMatchObject({ headersTimeoutMs: 60000, requestTimeoutMs: 60000 });
    expect(() => loadConfig({ ANCHOR_HEADERS_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ ANCHOR_HEADERS_TIMEOUT_MS: '5' })).toThrow(/ANCHOR_HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ ANCHOR_HEADERS_TIMEOUT_MS: '5000', ANCHOR_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/ANCHOR_REQUEST_TIMEOUT_MS/);
  });
});
