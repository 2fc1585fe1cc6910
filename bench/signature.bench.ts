/**
 * Signature verification: the client's `verifyWebhook` against the `standardwebhooks` package's
 * `Webhook#verify`, each verifying a genuine delivery of the same size (a ~1 KiB event and a
 * 32 KiB one), as a receiver gets it: the raw body as a Buffer and node-style headers. Both
 * check the timestamp, compute an HMAC-SHA256, compare in constant time and parse the JSON.
 *
 * Alternating rounds of ROUND_MS each (verifyWebhook, standardwebhooks, standardwebhooks,
 * verifyWebhook, …). Writes dist/bench/signature.json. Goal: verifyWebhook at least as fast.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { signWebhook } from '../client/sign-webhook.js';
import { verifyWebhook } from '../client/verify-webhook.js';
import { alternate, round2, writeResult } from './support/report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const ROUND_MS = 250;
const SIZES = [1024, 32 * 1024];

/** An event envelope padded to about `bytes`. */
function eventBody(bytes: number): Buffer {
  const envelope = { id: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1', type: 'task.completed', created: new Date().toISOString(), project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197', text: 'Task checkout-flow completed in 42.1 s', data: { task_id: '7c1e9a52-3b4d-4e6f-8a9b-0c1d2e3f4a5b', output: '' } };
  envelope.data.output = 'x'.repeat(Math.max(0, bytes - Buffer.byteLength(JSON.stringify(envelope))));
  return Buffer.from(JSON.stringify(envelope));
}

type Verifier = () => unknown;

function verifiers(body: Buffer): Record<'verifyWebhook' | 'standardwebhooks', Verifier> {
  // Anchor: a hex secret used as text; headers as node's req.headers has them.
  const secret = randomBytes(32).toString('hex');
  const anchorHeaders = Object.fromEntries(Object.entries(signWebhook({ body, secret })).map(([k, v]) => [k.toLowerCase(), v]));
  // Standard Webhooks: a base64 secret; the id, timestamp and signature headers it signs.
  const standardSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const standard = new Webhook(standardSecret);
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const now = new Date();
  const standardHeaders = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': standard.sign(id, now, body.toString()) };
  return {
    verifyWebhook: () => verifyWebhook({ body, headers: anchorHeaders, secret }),
    standardwebhooks: () => standard.verify(body, standardHeaders),
  };
}

/** Verifies in a loop for `ms`; returns operations per second. */
function run(verify: Verifier, ms: number): number {
  let ops = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) verify();
    ops += 100;
    elapsed = performance.now() - started;
  }
  return (ops / elapsed) * 1000;
}

const results = [];
for (const size of SIZES) {
  const body = eventBody(size);
  const v = verifiers(body);
  // Both must accept the delivery, or the comparison means nothing.
  if ((v.verifyWebhook() as { id?: string }).id !== 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1') throw new Error('verifyWebhook did not verify');
  if ((v.standardwebhooks() as { id?: string }).id !== 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1') throw new Error('standardwebhooks did not verify');
  const rounds = await alternate(['verifyWebhook', 'standardwebhooks'] as const, ROUNDS, async (name) => run(v[name], ROUND_MS));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ours = mean(rounds.verifyWebhook);
  const theirs = mean(rounds.standardwebhooks);
  results.push({
    bodyBytes: body.length,
    verifyWebhookOpsPerSecond: Math.round(ours),
    standardwebhooksOpsPerSecond: Math.round(theirs),
    ratio: ours / theirs,
    perRoundRatio: rounds.verifyWebhook.map((o, i) => round2(o / rounds.standardwebhooks[i]!)),
  });
}

console.log(`\nSignature verification: ${ROUNDS} alternating rounds of ${ROUND_MS} ms per library and size\n`);
console.table(results.map((r) => ({ 'body bytes': r.bodyBytes, 'verifyWebhook ops/s': r.verifyWebhookOpsPerSecond, 'standardwebhooks ops/s': r.standardwebhooksOpsPerSecond, 'ratio (goal ≥ 1)': round2(r.ratio) })));
const out = writeResult('signature', { rounds: ROUNDS, roundMs: ROUND_MS, results });
console.log(`wrote ${out}`);
