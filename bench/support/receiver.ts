/**
 * The dispatcher benchmark's webhook receiver, in a process of its own so that the sender's CPU
 * time (process.cpuUsage in the benchmark) is the sender's alone. Loopback only.
 *
 * Answers every request 200 at once. Tells the parent over IPC which requests arrived and when
 * (`performance.timeOrigin + performance.now()`, ms), keyed by `anchor-delivery-id` (the
 * dispatcher) or `x-request-id` (the bare loop), in one message per event-loop turn so the
 * parent pays for few messages. Also answers `clock` (its time now, for the parent to estimate
 * the offset between the two clocks) and `cpu` (CPU µs it has used so far).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type ReceiverMessage =
  | { type: 'ready'; url: string }
  | { type: 'arrivals'; arrivals: [key: string, atMs: number][] }
  | { type: 'clock'; atMs: number }
  | { type: 'cpu'; micros: number };

const now = () => performance.timeOrigin + performance.now();
const send = (message: ReceiverMessage) => process.send!(message);

let batch: [string, number][] = [];
const flush = () => {
  const arrivals = batch;
  batch = [];
  send({ type: 'arrivals', arrivals });
};

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = now();
    const key = req.headers['anchor-delivery-id'] ?? req.headers['x-request-id'];
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (typeof key !== 'string') return;
    if (batch.length === 0) setImmediate(flush);
    batch.push([key, at]);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));

process.on('message', (message: { type: string }) => {
  if (message.type === 'clock') send({ type: 'clock', atMs: now() });
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', micros: user + system });
  }
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
