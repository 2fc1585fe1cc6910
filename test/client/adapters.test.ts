import { createServer, type RequestListener } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { anchorWebhook, createWebhookRequestHandler, signWebhook, type WebhookEvent, type WebhookRequest } from '../../client/index.js';
import { listenOnLoopback } from './support/listen-on.js';
import { loadVectors } from './support/vectors.js';

const published = loadVectors().find((v) => v.name === 'published')!;
const SECRET = published.secrets[0]!;
const body = published.body;
const signed = () => signWebhook({ body, secret: SECRET });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
async function serve(listener: RequestListener) {
  const { url, close } = await listenOnLoopback(createServer(listener));
  closers.push(close);
  return url;
}
const post = (url: string, payload: string | Uint8Array, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers, body: typeof payload === 'string' ? payload : new Uint8Array(payload) }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('Express adapter', () => {
  it('verifies a delivery and hands the typed event to onEvent, answering 200', async () => {
    const events: WebhookEvent[] = [];
    const app = express();
    app.post('/hook', anchorWebhook({ secret: SECRET, onEvent: (event) => void events.push(event) }));
    const url = await serve(app);
    expect(await post(`${url}/hook`, body, signed())).toEqual({ status: 200, text: 'ok\n' });
    expect(events.map((e) => [e.type, e.id])).toEqual([['task.completed', 'evt_01HXJ5B2C3D4E5F6G7H8J9K0M1']]);
  });

  it('answers 400 with the reason for a tampered body or a missing header, and never calls onEvent', async () => {
    let called = 0;
    const app = express();
    app.post('/hook', anchorWebhook({ secret: SECRET, onEvent: () => void called++ }));
    const url = await serve(app);
    const tampered = await post(`${url}/hook`, body.replace('42.1', '41.2'), signed());
    expect(tampered.status).toBe(400);
    expect(tampered.text).toMatch(/^no_matching_signature: /);
    const { 'Anchor-Signature': _, ...unsigned } = signed();
    expect((await post(`${url}/hook`, body, unsigned)).text).toMatch(/^missing_header: /);
    expect(called).toBe(0);
  });

  it('rejects a body a global express.json() already parsed, saying so', async () => {
    const app = express();
    app.use(express.json());
    app.post('/hook', anchorWebhook({ secret: SECRET }), (_req, res) => void res.send('should not get here'));
    const url = await serve(app);
    const answer = await post(`${url}/hook`, body, signed());
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/^body_not_raw: .*already parsed/);
  });

  it('without onEvent, puts the event on req.anchorEvent for the next handler', async () => {
    const app = express();
    app.post('/hook', anchorWebhook({ secrets: ['0'.repeat(64), SECRET] }), (req, res) => {
      const event = (req as WebhookRequest).anchorEvent!;
      res.status(202).send(event.type === 'task.completed' ? event.data.task_id : 'other');
    });
    const url = await serve(app);
    expect(await post(`${url}/hook`, body, signed())).toEqual({ status: 202, text: '7c1e9a52-3b4d-4e6f-8a9b-0c1d2e3f4a5b' });
  });

  it('passes a failing onEvent to Express error handling (a 500, so Anchor retries)', async () => {
    const app = express();
    app.post('/hook', anchorWebhook({ secret: SECRET, onEvent: async () => Promise.reject(new Error('db down')) }));
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).send(err.message));
    const url = await serve(app);
    expect(await post(`${url}/hook`, body, signed())).toEqual({ status: 500, text: 'db down' });
  });

  it('answers 413 over the body limit', async () => {
    const app = express();
    app.post('/hook', anchorWebhook({ secret: SECRET, limit: 100 }));
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.sendStatus(err.status ?? 500));
    const url = await serve(app);
    expect((await post(`${url}/hook`, body, signed())).status).toBe(413);
  });
});

describe('node:http adapter', () => {
  it('verifies a delivery and answers 200 after onEvent', async () => {
    const events: string[] = [];
    const url = await serve(createWebhookRequestHandler({ secret: SECRET, onEvent: (event) => void events.push(event.id) }));
    expect(await post(url, Buffer.from(body), signed())).toEqual({ status: 200, text: 'ok\n' });
    expect(events).toEqual(['evt_01HXJ5B2C3D4E5F6G7H8J9K0M1']);
  });

  it('lets onEvent answer itself', async () => {
    const url = await serve(createWebhookRequestHandler({ secret: SECRET, onEvent: (_e, _req, res) => void res.writeHead(202).end('queued') }));
    expect(await post(url, body, signed())).toEqual({ status: 202, text: 'queued' });
  });

  it('answers 400 with the reason, 405 to other methods and 413 over the limit', async () => {
    const url = await serve(createWebhookRequestHandler({ secret: SECRET, limitBytes: 1024, onEvent: () => undefined }));
    const stale = signWebhook({ body, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 121 });
    const old = await post(url, body, stale);
    expect([old.status, old.text.split(':')[0]]).toEqual([400, 'timestamp_too_old']);
    expect((await fetch(url)).status).toBe(405);
    expect((await post(url, `{"pad":"${'x'.repeat(2000)}"}`, signed())).status).toBe(413);
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(500)));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', headers: signed(), body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers 500 and reports the error when onEvent throws', async () => {
    const errors: unknown[] = [];
    const url = await serve(
      createWebhookRequestHandler({
        secret: SECRET,
        onEvent: () => {
          throw new Error('boom');
        },
        onError: (error) => void errors.push(error),
      }),
    );
    expect((await post(url, body, signed())).status).toBe(500);
    expect(errors).toHaveLength(1);
  });
});
