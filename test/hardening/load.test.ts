/**
 * Load: 2,000 mixed management requests, 50 in flight at a time, across 10 projects, on a file
 * database. No 5xx; every response is one the spec documents for its operation (status, content
 * type, headers, body checked with Ajv); no project ever has more than 5 live webhooks (checked
 * in the database after every response); the live webhooks are exactly those created and not
 * deleted; and the database passes `PRAGMA integrity_check` afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { webhookLimit } from '../../generated/contract.js';
import { contractViolations, pathTemplateOf } from '../support/contract.js';
import { loadBundle } from '../support/spec.js';
import { newWebhook, startTestApp, type ProjectHandle, type TestApp } from '../support/test-app.js';

const REQUESTS = 2_000;
const IN_FLIGHT = 50;
const PROJECTS = 10;

const eventTypes: string[] = loadBundle('full').components.schemas!.WebhookEventType.enum;
const dir = mkdtempSync(join(tmpdir(), 'anchor-load-'));
let t: TestApp;
let projects: ProjectHandle[];

beforeAll(async () => {
  t = await startTestApp({ dbPath: join(dir, 'anchor.sqlite') });
  projects = [t, ...Array.from({ length: PROJECTS - 1 }, () => t.newProject())];
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: the same 2,000 requests every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Request = { project: number; method: string; path: string; body?: unknown; headers?: Record<string, string>; kind: string };

it(`${REQUESTS} mixed requests, ${IN_FLIGHT} at a time, across ${PROJECTS} projects: no 5xx, all documented, never more than ${webhookLimit} live webhooks`, async () => {
  const rand = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // Ids each project has seen created (some deleted since): reads, updates and deletes aim at them.
  const known: string[][] = projects.map(() => []);
  const created: Array<Set<string>> = projects.map(() => new Set());
  const deleted: Array<Set<string>> = projects.map(() => new Set());
  const keysUsed: Array<Array<{ key: string; body: unknown }>> = projects.map(() => []);
  const statuses = new Map<string, number>();
  const problems: string[] = [];
  let maxLive = 0;
  const liveByProject = t.db.prepare<[], { project_id: string; n: number }>('SELECT project_id, count(*) AS n FROM webhooks WHERE deleted_at IS NULL GROUP BY project_id');

  const someId = (p: number) => pick(known[p]!.length > 0 ? known[p]! : ['wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y']);

  function next(): Request {
    const p = Math.floor(rand() * PROJECTS);
    const roll = rand();
    if (roll < 0.25) {
      const replay = keysUsed[p]!.length > 0 && rand() < 0.15 ? pick(keysUsed[p]!) : undefined;
      const body = replay?.body ?? newWebhook({ subscribed_events: [pick(eventTypes), pick(eventTypes)].filter((e, i, a) => a.indexOf(e) === i), description: `load ${Math.floor(rand() * 1e6)}` });
      const key = replay?.key ?? (rand() < 0.5 ? `load-${p}-${Math.floor(rand() * 1e9)}` : undefined);
      if (key && !replay) keysUsed[p]!.push({ key, body });
      return { project: p, method: 'POST', path: '/v1/webhooks', body, ...(key ? { headers: { 'idempotency-key': key } } : {}), kind: replay ? 'create (replay)' : 'create' };
    }
    if (roll < 0.4) return { project: p, method: 'GET', path: '/v1/webhooks', kind: 'list' };
    if (roll < 0.55) return { project: p, method: 'GET', path: `/v1/webhooks/${someId(p)}`, kind: 'get' };
    if (roll < 0.68) {
      const body = rand() < 0.5 ? { description: `updated ${Math.floor(rand() * 1e6)}`, enabled: rand() < 0.5 } : { subscribed_events: [pick(eventTypes)], url: `https://hooks.anchor-customer.io/${Math.floor(rand() * 1e6)}` };
      return { project: p, method: 'PATCH', path: `/v1/webhooks/${someId(p)}`, body, kind: 'update' };
    }
    if (roll < 0.73) return { project: p, method: 'POST', path: `/v1/webhooks/${someId(p)}/rotate-secret`, body: { previous_secret_ttl_seconds: Math.floor(rand() * 3600) }, kind: 'rotate' };
    if (roll < 0.88) return { project: p, method: 'DELETE', path: `/v1/webhooks/${someId(p)}`, kind: 'delete' };
    if (roll < 0.9) return { project: p, method: 'GET', path: '/v1/webhook-event-types', kind: 'event types' };
    if (roll < 0.94) {
      // Another project's webhook: indistinguishable from a missing one.
      const other = (p + 1 + Math.floor(rand() * (PROJECTS - 1))) % PROJECTS;
      return { project: p, method: 'GET', path: `/v1/webhooks/${someId(other)}`, kind: 'foreign get' };
    }
    const bad = pick([{ url: 'https://10.0.0.1/hook', subscribed_events: ['task.completed'] }, { url: 'https://hooks.anchor-customer.io/x', subscribed_events: [] }, { url: 42 }, {}]);
    return { project: p, method: 'POST', path: '/v1/webhooks', body: bad, kind: 'invalid create' };
  }

  async function send(r: Request): Promise<void> {
    const headers: Record<string, string> = { 'anchor-api-key': projects[r.project]!.apiKey, ...r.headers };
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.baseUrl}${r.path}`, { method: r.method, headers, ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}) });
    const bodyText = await res.text();
    const label = `${r.kind} ${r.method} ${r.path} → ${res.status} ${bodyText.slice(0, 200)}`;
    statuses.set(`${r.kind} ${res.status}`, (statuses.get(`${r.kind} ${res.status}`) ?? 0) + 1);
    if (res.status >= 500) problems.push(`5xx: ${label}`);
    const template = pathTemplateOf(r.path)!;
    problems.push(...contractViolations({ method: r.method, template, status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, bodyText }).map((v) => `${v} (${label})`));
    if (res.status === 201) {
      const { id } = JSON.parse(bodyText) as { id: string };
      created[r.project]!.add(id);
      if (!known[r.project]!.includes(id)) known[r.project]!.push(id);
    }
    if (r.kind === 'delete' && res.status === 200) deleted[r.project]!.add((JSON.parse(bodyText) as { id: string }).id);
    // The limit, straight from the database, after every answer.
    for (const row of liveByProject.all()) maxLive = Math.max(maxLive, row.n);
  }

  // Each request is drawn when a slot frees up, so it can aim at webhooks created meanwhile.
  let drawn = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (drawn < REQUESTS) {
        drawn++;
        await send(next());
      }
    }),
  );

  expect(problems.slice(0, 20)).toEqual([]);
  expect(maxLive).toBeLessThanOrEqual(webhookLimit);
  expect(maxLive).toBe(webhookLimit); // the limit was reached, so it was tested
  // The run exercised the answers that matter.
  for (const outcome of ['create 201', 'create 409', 'create (replay) 201', 'get 200', 'get 404', 'foreign get 404', 'update 200', 'delete 200', 'delete 404', 'invalid create 400', 'list 200', 'rotate 200']) {
    expect(statuses.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
  }
  // What is live is exactly what was created and not deleted, in every project.
  for (const [p, project] of projects.entries()) {
    const live = t.stores.webhooks.list(project.projectId).map((w) => w.id);
    expect(new Set(live)).toEqual(new Set([...created[p]!].filter((id) => !deleted[p]!.has(id))));
  }
  expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(t.db.pragma('foreign_key_check')).toEqual([]);
}, 120_000);
