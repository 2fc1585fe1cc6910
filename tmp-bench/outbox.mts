// CPU per delivery through publish → claim → sign → (fake send) → record, no sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { createRuntime } from '../server/runtime.js';
const N = Number(process.env.N ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
const ok = { ok: true, statusCode: 200, error: null, errorMessage: null, responseExcerpt: 'ok', durationMs: 1, retryAfter: null } as const;
const rt = createRuntime(defaultConfig({ dbPath: join(dir, 'b.sqlite'), allowPrivateTargets: true, delivery: { concurrency: 50 } }), {
  logger: createLogger({ level: 'silent' }),
  send: async () => { await new Promise((r) => setImmediate(r)); return ok; },
});
const pid = rt.stores.projects.create();
const types = rt.catalog.types.slice(0, 10);
for (const [i, t] of types.entries()) rt.stores.webhooks.create(pid, { url: `http://127.0.0.1:9/h${i}`, subscribed_events: [t], description: null }, Date.now(), 10);
rt.catalog.warmUp();
rt.start();
const runOnce = async (n: number) => {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  let published = 0;
  while (published < n) { await Promise.all(Array.from({ length: 50 }, (_, i) => rt.publisher.publishQueued({ projectId: pid, type: types[(published + i) % 10]! }))); published += 50; }
  for (;;) { const left = rt.stores.db.prepare("SELECT COUNT(*) FROM deliveries WHERE status != 'succeeded'").pluck().get() as number; if (left === 0) break; await new Promise((r) => setTimeout(r, 5)); }
  const c = process.cpuUsage(c0); return { cpuUs: (c.user + c.system) / n, ms: performance.now() - t0 };
};
await runOnce(2000);
const rounds = [];
for (let i = 0; i < 3; i++) rounds.push(await runOnce(N));
console.log(JSON.stringify(rounds.map((r) => `${r.cpuUs.toFixed(1)} µs/delivery, ${(N / r.ms * 1000).toFixed(0)}/s`)));
await rt.close(); rmSync(dir, { recursive: true, force: true });
