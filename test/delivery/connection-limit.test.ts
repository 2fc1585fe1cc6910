/**
 * The per-webhook concurrency limit (ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK) counts sockets,
 * not only attempts. A slow receiver on 127.0.0.1 counts the TCP connections it holds open at
 * once. A connection counts as open until its FIN arrives: the receiver cannot act on a close
 * sooner, and a delivery that comes in on a new connection before then is one connection too
 * many. Before this, undici opened more than the limit: 9 against a receiver that answered
 * slowly, and 7 when attempts timed out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startDeliveryHarness, type Harness } from './support/delivery-harness.js';

const LIMIT = 5;
const EVENTS = 40;

type Counting = { server: Server; base: string; maxOpen: () => number; maxOpenByPath: () => Map<string, number>; shared: string[]; close(): Promise<void> };

/** A receiver that answers after `delayMs`, and counts the connections open at once, in all and per request path. */
async function slowReceiver(delayMs: number): Promise<Counting> {
  const open = new Set<Socket>();
  const pathOf = new Map<Socket, string>();
  let max = 0;
  const maxByPath = new Map<string, number>();
  /** Requests that came in on a connection another webhook's requests had used. */
  const shared: string[] = [];
  const measure = () => {
    max = Math.max(max, open.size);
    const byPath = new Map<string, number>();
    for (const socket of open) {
      const path = pathOf.get(socket);
      if (path) byPath.set(path, (byPath.get(path) ?? 0) + 1);
    }
    for (const [path, n] of byPath) maxByPath.set(path, Math.max(maxByPath.get(path) ?? 0, n));
  };
  const server = createServer((req, res) => {
    req.resume();
    const socket = req.socket;
    // A connection serves one webhook: every request on it has the same path.
    const first = pathOf.get(socket);
    if (first !== undefined && first !== req.url) shared.push(`${req.url} on a connection of ${first}`);
    pathOf.set(socket, first ?? req.url ?? '');
    setImmediate(measure);
    const timer = setTimeout(() => res.end('ok'), delayMs);
    res.once('close', () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    const closed = () => open.delete(socket);
    socket.once('end', closed).once('close', closed);
    // Measured once the events that arrived with it are handled, a FIN sent before it included.
    setImmediate(measure);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxOpen: () => max,
    maxOpenByPath: () => maxByPath,
    shared,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let open: Array<Harness | Counting> = [];
afterEach(async () => {
  for (const o of open) await o.close();
  open = [];
});

async function deliverAll(h: Harness, webhooks: Array<{ id: string }>) {
  const ids = webhooks.map(() => [] as string[]);
  for (let i = 0; i < EVENTS; i++) {
    for (const [n, delivery] of h.publish().deliveryIds.entries()) ids[n]!.push(delivery);
  }
  for (const [n, webhook] of webhooks.entries()) {
    for (const id of ids[n]!) await h.waitForStatus(webhook.id, id, ['succeeded', 'dead'], 30_000);
  }
}

it(`a receiver slower than the worker: at most ${LIMIT} connections at once, reached`, async () => {
  const receiver = await slowReceiver(100);
  const h = startDeliveryHarness({ delivery: { concurrency: 50, perWebhookConcurrency: LIMIT, timeoutMs: 5_000, retrySchedule: [0] } });
  open.push(h, receiver);
  const webhook = h.createWebhook(`${receiver.base}/hook`);
  await deliverAll(h, [webhook]);
  expect(h.db.prepare("SELECT COUNT(*) FROM deliveries WHERE status = 'succeeded'").pluck().get()).toBe(EVENTS);
  expect(receiver.maxOpen()).toBe(LIMIT);
});

it(`attempts that time out: the sockets they leave are counted, at most ${LIMIT} at once`, async () => {
  const receiver = await slowReceiver(400);
  const h = startDeliveryHarness({ delivery: { concurrency: 50, perWebhookConcurrency: LIMIT, timeoutMs: 150, retrySchedule: [0] } });
  open.push(h, receiver);
  const webhook = h.createWebhook(`${receiver.base}/hook`);
  await deliverAll(h, [webhook]);
  expect(h.db.prepare("SELECT COUNT(*) FROM delivery_attempts WHERE error = 'timeout'").pluck().get()).toBe(EVENTS);
  expect(receiver.maxOpen()).toBeLessThanOrEqual(LIMIT);
});

it(`two webhooks on one receiver: each has its own ${LIMIT} connections, not ${LIMIT} between them`, async () => {
  const receiver = await slowReceiver(100);
  const h = startDeliveryHarness({ delivery: { concurrency: 50, perWebhookConcurrency: LIMIT, timeoutMs: 5_000, retrySchedule: [0] } });
  open.push(h, receiver);
  const webhooks = [h.createWebhook(`${receiver.base}/a`), h.createWebhook(`${receiver.base}/b`)];
  await deliverAll(h, webhooks);
  expect(h.db.prepare("SELECT COUNT(*) FROM deliveries WHERE status = 'succeeded'").pluck().get()).toBe(2 * EVENTS);
  expect(receiver.shared).toEqual([]);
  expect(Object.fromEntries(receiver.maxOpenByPath())).toEqual({ '/a': LIMIT, '/b': LIMIT });
  expect(receiver.maxOpen()).toBe(2 * LIMIT);
});
