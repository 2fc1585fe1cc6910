/**
 * Resource bounds: 1,000 events for a receiver that accepts connections and never answers.
 * The dispatcher keeps at most ANCHOR_DELIVERY_CONCURRENCY attempts open in all, and at most
 * ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK to one webhook (counted by the receiver itself: the
 * requests it holds open at once, per webhook path); every attempt is given up at the timeout;
 * and memory stays flat while the backlog waits in the database. Reports the RSS.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import type { EventType } from '../../server/delivery/event-catalog.js';
import { startDeliveryHarness, type Harness } from '../delivery/support/delivery-harness.js';

const EVENTS = 1_000;
const CONCURRENCY = 20;
const PER_WEBHOOK = 6;
const WEBHOOKS = 5;
const TIMEOUT_MS = 250;
const TYPES: EventType[] = ['task.completed', 'task.failed', 'session.completed', 'session.failed', 'batch.completed'];

const held = new Set<ServerResponse>();
let open = 0;
let maxOpen = 0;
const openByPath = new Map<string, number>();
const maxByPath = new Map<string, number>();
let received = 0;
const receiver = createServer((req, res) => {
  req.resume(); // read the body, never answer
  received++;
  const path = req.url ?? '';
  open++;
  maxOpen = Math.max(maxOpen, open);
  openByPath.set(path, (openByPath.get(path) ?? 0) + 1);
  maxByPath.set(path, Math.max(maxByPath.get(path) ?? 0, openByPath.get(path)!));
  held.add(res);
  res.once('close', () => {
    held.delete(res);
    open--;
    openByPath.set(path, openByPath.get(path)! - 1);
  });
});

let dispatcher: Harness | undefined;
afterAll(async () => {
  await dispatcher?.close();
  for (const res of held) res.destroy();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

it(`${EVENTS} events to a receiver that never answers: at most ${CONCURRENCY} attempts open, ${PER_WEBHOOK} per webhook, memory flat`, async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // One attempt each: every event is tried once, times out, and is given up.
  dispatcher = startDeliveryHarness({ delivery: { concurrency: CONCURRENCY, perWebhookConcurrency: PER_WEBHOOK, timeoutMs: TIMEOUT_MS, retrySchedule: [0] } });
  for (let i = 0; i < WEBHOOKS; i++) dispatcher.createWebhook(`${base}/hook/${i}`, [TYPES[i]!]);

  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const before = process.memoryUsage();
  // Webhook 0 gets 30 % of the events: its own limit binds, and with the other four the global one.
  for (let i = 0; i < EVENTS; i++) expect(dispatcher.publish(TYPES[i % 10 < 3 ? 0 : 1 + (i % (WEBHOOKS - 1))]!).deliveryIds).toHaveLength(1);
  const published = process.memoryUsage();

  // Watch the worker's own count and the memory until every event has had its attempt.
  const timedOut = dispatcher.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM delivery_attempts WHERE error = 'timeout'");
  let maxInFlight = 0;
  let maxHeap = published.heapUsed;
  let maxRss = published.rss;
  const watchedFrom = Date.now();
  const deadline = watchedFrom + 45_000;
  while (timedOut.get()!.n < EVENTS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    maxInFlight = Math.max(maxInFlight, dispatcher.worker.inFlight);
    const now = process.memoryUsage();
    maxHeap = Math.max(maxHeap, now.heapUsed);
    maxRss = Math.max(maxRss, now.rss);
  }
  const attempts = timedOut.get()!.n;

  // Every event was tried once and given up at the timeout.
  expect(attempts).toBe(EVENTS);
  expect(received).toBe(EVENTS);
  // Both limits were reached, and never passed.
  expect(maxOpen).toBe(CONCURRENCY);
  expect(maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
  expect(maxByPath.get('/hook/0')).toBe(PER_WEBHOOK);
  expect(Math.max(...maxByPath.values())).toBe(PER_WEBHOOK);
  expect(maxByPath.size).toBe(WEBHOOKS);
  // The backlog lives in SQLite, not in the heap: it grows little while 1,000 deliveries go through.
  expect(maxHeap - published.heapUsed).toBeLessThan(48 * 1024 * 1024);
  console.info(
    `resource bounds: ${received} requests held by the receiver (max ${maxOpen} at once, ${Math.max(...maxByPath.values())} per webhook), ${attempts} timed-out attempts in ${((Date.now() - watchedFrom) / 1000).toFixed(1)} s; ` +
      `RSS ${mb(before.rss)} MB before, ${mb(published.rss)} MB after publishing ${EVENTS} events, ${mb(maxRss)} MB at most while they waited; heap ${mb(published.heapUsed)} → max ${mb(maxHeap)} MB`,
  );
}, 60_000);
