import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, openStores } from './app.js';
import { defaultConfig } from './config.js';
import { createLogger } from './logger.js';
import { fullSpec, specOperations, type SpecOperation } from './spec.js';
import { openDatabase } from './storage/database.js';
import { systemClock } from './clock.js';

const warmed = new Map<boolean, Promise<void>>();

/**
 * Compiles the validator's schemas before the first user call (the library compiles them
 * lazily, several hundred milliseconds on a cold process). It drives a throwaway app on an
 * in-memory database through every operation over loopback; the validator is shared per
 * process, so the real app starts warm. Nothing leaves the process: the only URL it
 * registers is never contacted.
 */
export function warmUpValidator(validateResponses: boolean): Promise<void> {
  let done = warmed.get(validateResponses);
  if (!done) {
    done = run(validateResponses);
    warmed.set(validateResponses, done);
  }
  return done;
}

async function run(validateResponses: boolean): Promise<void> {
  const db = openDatabase(':memory:');
  const config = defaultConfig({ dbPath: ':memory:', validateResponses, rateLimitPerSecond: 0 });
  const stores = openStores(db, systemClock, config);
  const apiKey = stores.projects.createApiKey(stores.projects.create({ name: 'warm-up' }));
  const app = createApp({
    db,
    clock: systemClock,
    resolver: async () => [{ address: '8.8.8.8', family: 4 }],
    logger: createLogger({ level: 'silent' }),
    config,
    stores,
  });
  const server = app.listen(0, '127.0.0.1');
  // node:http rather than fetch: fetch would load Node's bundled undici (tens of ms) for nothing.
  const agent = new Agent({ keepAlive: true });
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      new Promise<{ id?: string }>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { 'anchor-api-key': apiKey, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text ? (JSON.parse(text) as { id?: string }) : {})).on('error', reject);
        });
        req.on('error', reject).end(payload);
      });
    const create = { url: 'https://warm-up.anchorbrowser.io/hook', subscribed_events: ['task.completed'] };
    await call('POST', '/v1/webhooks', create, { 'idempotency-key': 'warm-up' });
    const { id } = await call('POST', '/v1/webhooks', create, { 'idempotency-key': 'warm-up' });
    await call('POST', '/v1/webhooks', { url: 1 });
    await call('GET', '/v1/webhooks');
    await call('GET', `/v1/webhooks/${id}`);
    await call('PATCH', `/v1/webhooks/${id}`, { enabled: false });
    await call('POST', `/v1/webhooks/${id}/rotate-secret`);
    await call('POST', `/v1/webhooks/${id}/rotate-secret`, { previous_secret_ttl_seconds: 0 });
    await call('DELETE', `/v1/webhooks/${id}`);
    // Every other operation once, with the (now deleted) id and the spec's example body: a request
    // must pass request validation for the validator to build the operation's response validators
    // (an empty body stopped at 400 left them to the first user call, ~50-100 ms).
    for (const op of specOperations) {
      const path = op.path.replace('{webhook_id}', String(id)).replace('{delivery_id}', '00000000-0000-4000-8000-000000000000');
      await call(op.method, path, op.hasRequestBody ? requestExample(op) : undefined);
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    db.close();
  }
}

/** The example of an operation's JSON request body in the spec (every one has one), or `{}`. */
function requestExample(op: SpecOperation): unknown {
  const media = fullSpec.paths[op.path]?.[op.method.toLowerCase()]?.requestBody?.content?.['application/json'];
  return media?.example ?? Object.values<{ value?: unknown }>(media?.examples ?? {})[0]?.value ?? {};
}
