import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../client/index.js';
import { parseListenArgs, UsageError } from '../../client/listen/args.js';
import { createColors, shouldUseColor } from '../../client/listen/colors.js';
import { formatDeliveryLine, type DeliveryRecord } from '../../client/listen/format-line.js';
import { listenOnLoopback } from './support/listen-on.js';
import { spawnListen, type ListenProcess } from './support/spawn-listen.js';
import { loadVectors } from './support/vectors.js';

const published = loadVectors().find((v) => v.name === 'published')!;
const SECRET = published.secrets[0]!;
const OLD_SECRET = '9c1f6e0b7a2d4c58e3f1a0b9d8c7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9';
const ESC = '\u001b[';

function eventBody(id: string, type = 'task.failed') {
  return JSON.stringify({ id, type, created: new Date().toISOString(), project_id: '5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197', text: 'Task failed', data: {} });
}
const deliver = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('listen: arguments', () => {
  it('defaults to 127.0.0.1:4000, no secret, no forwarding', () => {
    expect(parseListenArgs([], {})).toEqual({ port: 4000, host: '127.0.0.1', secrets: [], forwardTo: undefined, printBody: false });
  });

  it('takes secrets from --secret (repeated or comma-separated), else ANCHOR_WEBHOOK_SECRET', () => {
    expect(parseListenArgs(['--secret', 'a,b', '--secret', 'c'], { ANCHOR_WEBHOOK_SECRET: 'env' })).toMatchObject({ secrets: ['a', 'b', 'c'] });
    expect(parseListenArgs([], { ANCHOR_WEBHOOK_SECRET: ' new , old ' })).toMatchObject({ secrets: ['new', 'old'] });
  });

  it('reads the other options', () => {
    const options = parseListenArgs(['--port', '0', '--host', '::1', '--forward-to', 'http://localhost:3000/hook', '--print-body'], {});
    expect(options).toMatchObject({ port: 0, host: '::1', printBody: true });
    expect(options !== 'help' && options.forwardTo?.href).toBe('http://localhost:3000/hook');
    expect(parseListenArgs(['--help'], {})).toBe('help');
  });

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--forward-to', 'not a url']],
    [['--forward-to', 'ftp://example.com/']],
    [['--unknown']],
    [['stray']],
  ])('rejects %j with a usage error', (args) => {
    expect(() => parseListenArgs(args, {})).toThrow(UsageError);
  });
});

describe('listen: colours', () => {
  it('are on for a TTY, off for a pipe, off with NO_COLOR, forced with FORCE_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('colour the signature state of a line only when enabled', () => {
    const record: DeliveryRecord = {
      receivedAt: new Date(2026, 4, 14, 9, 21, 7),
      eventType: 'task.completed',
      eventId: 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1',
      signature: { state: 'ok' },
      latencySeconds: 1,
      outcome: { kind: 'forwarded', status: 200, durationMs: 12 },
    };
    const plain = formatDeliveryLine(record, createColors(false));
    expect(plain).toBe(`09:21:07  ${'task.completed'.padEnd(30)}  evt_01HXJ5B2C3D4E5F6G7H8J9K0M1  signature ok  latency 1s  forward 200 (12 ms)`);
    const coloured = formatDeliveryLine({ ...record, signature: { state: 'failed', reason: 'no_matching_signature' } }, createColors(true));
    expect(coloured).toContain(`${ESC}31msignature failed (no_matching_signature)${ESC}39m`);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toContain('signature failed (no_matching_signature)');
  });
});

describe('listen: end to end (spawned through the bin)', () => {
  let verifying: ListenProcess;
  let unverified: ListenProcess;
  let forwarding: ListenProcess;
  let app: { url: string; close: () => Promise<void> };
  let closedPort: ListenProcess;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    app = await listenOnLoopback(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(202, { 'content-type': 'text/plain' }).end('queued by the app');
        });
      }),
    );
    const deadPort = await listenOnLoopback(createServer());
    const deadUrl = deadPort.url;
    await deadPort.close(); // nothing listens there any more
    [verifying, unverified, forwarding, closedPort] = await Promise.all([
      spawnListen(['--secret', `${SECRET},${OLD_SECRET}`, '--print-body']),
      spawnListen([]),
      spawnListen(['--forward-to', `${app.url}/hook?x=1`], { ANCHOR_WEBHOOK_SECRET: SECRET }),
      spawnListen(['--forward-to', `${deadUrl}/hook`, '--secret', SECRET]),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([verifying, unverified, forwarding, closedPort].map((p) => p?.stop()));
    await app?.close();
  });

  it('prints one line with type, id, "signature ok" and latency for a signed delivery, and answers 200', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A1');
    const from = verifying.stdoutLines.length;
    expect(await deliver(verifying.url, body, signWebhook({ body, secret: SECRET }))).toEqual({ status: 200, text: 'ok\n' });
    const line = await verifying.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A1'), from);
    expect(line).toMatch(/^\d\d:\d\d:\d\d {2}task\.failed {2,}evt_01HXJ5B2C3D4E5F6G7H8J9K0A1 {2}signature ok {2}latency \d+s {2}answered 200$/);
    expect(line).not.toContain(ESC);
  });

  it('pretty-prints the body under the line with --print-body', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A2');
    const from = verifying.stdoutLines.length;
    await deliver(verifying.url, body, signWebhook({ body, secret: SECRET }));
    await verifying.nextLine((l) => l.includes('"id": "evt_01HXJ5B2C3D4E5F6G7H8J9K0A2"'), from);
    expect(verifying.stdoutLines.slice(from)).toContain('      "type": "task.failed",');
  });

  it('accepts a delivery signed only with the previous secret (rotation)', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A3');
    const from = verifying.stdoutLines.length;
    expect((await deliver(verifying.url, body, signWebhook({ body, secret: OLD_SECRET }))).status).toBe(200);
    expect(await verifying.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A3'), from)).toContain('signature ok');
  });

  it('prints "failed" with the reason for a tampered delivery, and answers 400', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A4');
    const headers = signWebhook({ body, secret: SECRET });
    const from = verifying.stdoutLines.length;
    const answer = await deliver(verifying.url, body.replace('Task failed', 'Task fixed'), headers);
    expect(answer).toEqual({ status: 400, text: 'no_matching_signature\n' });
    const line = await verifying.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A4'), from);
    expect(line).toContain('signature failed (no_matching_signature)');
    expect(line).toContain('answered 400');
  });

  it('prints a stale delivery as failed too', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A5');
    const from = verifying.stdoutLines.length;
    await deliver(verifying.url, body, signWebhook({ body, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 }));
    const line = await verifying.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A5'), from);
    expect(line).toMatch(/signature failed \(timestamp_too_old\) {2}latency 6\d\ds/);
  });

  it('without a secret, prints "unverified" and still answers 200', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A6', 'session.recording.ready');
    expect((await deliver(unverified.url, body, signWebhook({ body, secret: SECRET }))).status).toBe(200);
    const line = await unverified.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A6'));
    expect(line).toContain('session.recording.ready');
    expect(line).toContain('signature unverified');
  });

  it('with --forward-to, forwards the raw body and original headers, shows and answers the app status', async () => {
    const body = `{"id":"evt_01HXJ5B2C3D4E5F6G7H8J9K0A7",  "type":"task.completed","data":{}}`; // odd spacing must survive
    const headers = signWebhook({ body, secret: SECRET });
    const answer = await deliver(forwarding.url, body, headers);
    expect(answer).toEqual({ status: 202, text: 'queued by the app' });
    const line = await forwarding.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A7'));
    expect(line).toMatch(/signature ok .* forward 202 \(\d+ ms\)$/);
    const got = received.find((r) => r.body === body);
    expect(got, 'the app received the exact bytes').toBeDefined();
    expect(got!.headers).toMatchObject({
      'anchor-signature': headers['Anchor-Signature'],
      'anchor-event': 'task.completed',
      'anchor-delivery-id': headers['Anchor-Delivery-Id'],
      'anchor-timestamp': headers['Anchor-Timestamp'],
      'user-agent': 'Anchor-Webhooks/1.0',
      'content-type': 'application/json',
    });
  });

  it('with --forward-to, still forwards a bad signature (the app must reject it) and marks it failed', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A8');
    await deliver(forwarding.url, body, signWebhook({ body, secret: OLD_SECRET }));
    const line = await forwarding.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A8'));
    expect(line).toContain('signature failed (no_matching_signature)');
    expect(line).toContain('forward 202');
  });

  it('shows a forward error and answers 502 when the app is down', async () => {
    const body = eventBody('evt_01HXJ5B2C3D4E5F6G7H8J9K0A9');
    const answer = await deliver(closedPort.url, body, signWebhook({ body, secret: SECRET }));
    expect(answer.status).toBe(502);
    const line = await closedPort.nextLine((l) => l.includes('evt_01HXJ5B2C3D4E5F6G7H8J9K0A9'));
    expect(line).toContain('forward error ECONNREFUSED');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await closedPort.stop()).toBe(0);
  });
});
