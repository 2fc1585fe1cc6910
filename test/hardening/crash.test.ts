/**
 * Crash: `serve` as a child process is killed with SIGKILL while 500 creates and updates are
 * under way (20 in flight), then started again on the same database file.
 *
 * - Every webhook whose create got a 201 is there, with the data and the secret it was
 *   created with, or the data of an update sent since.
 * - Every update is all or nothing: an update changes url, description, events and enabled
 *   together, each to a value derived from one token, so the stored webhook must match one token.
 * - A create that got no answer is retried with its Idempotency-Key: it is either replayed (it
 *   had committed, secret included) or created now. Afterwards each project holds exactly the
 *   creates it sent, no more, no fewer.
 * - Every live webhook has exactly one current secret row; integrity_check and foreign keys ok.
 *
 * Webhook URLs are loopback IP literals (ANCHOR_ALLOW_PRIVATE_TARGETS=1): no DNS, and no event is
 * published, so nothing is ever sent to them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { webhookLimit } from '../../generated/contract.js';
import { systemClock } from '../../server/clock.js';
import { openStores } from '../../server/storage/stores.js';
import { openDatabase } from '../../server/storage/database.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

const OPERATIONS = 500;
const IN_FLIGHT = 20;
const PROJECTS = 100;
const EVENTS = ['task.completed', 'task.failed', 'session.completed', 'session.failed', 'batch.completed'] as const;

const dir = mkdtempSync(join(tmpdir(), 'anchor-kill9-'));
const dbPath = join(dir, 'anchor.sqlite');
const env = { ANCHOR_DB: dbPath, ANCHOR_ALLOW_PRIVATE_TARGETS: '1', ANCHOR_RATE_LIMIT_PER_SECOND: '0' };
const children: ServerProcess[] = [];
afterAll(() => {
  for (const child of children) child.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type State = { url: string; description: string; subscribed_events: string[]; enabled: boolean };
type Create = { project: number; key: string; body: State; answered?: { status: number; id?: string; secret?: string } };
type Webhook = { project: number; id: string; secret: string; acked: State; pending?: State; updating: boolean };

/** What an update with `token` sets: every field from the one token. */
function updateFor(token: number): State {
  return {
    url: `http://127.0.0.1:9/u${token}`,
    description: `u${token}`,
    subscribed_events: EVENTS.slice(0, 1 + (token % EVENTS.length)),
    enabled: token % 2 === 0,
  };
}

const stateOf = (w: State): State => ({ url: w.url, description: w.description, subscribed_events: w.subscribed_events, enabled: w.enabled });

it(`kill -9 during ${OPERATIONS} creates and updates: acknowledged writes survive, the others are all or nothing`, async () => {
  // Projects and keys first, through the stores, as `keys create` would.
  const setup = openDatabase(dbPath);
  const stores = openStores(setup, systemClock, { dbPath, secretKey: undefined });
  const keys = Array.from({ length: PROJECTS }, () => stores.projects.createApiKey(stores.projects.create({ name: 'crash' })));
  setup.close();

  const first = await spawnServer(env);
  children.push(first);
  const api = (server: ServerProcess, p: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { 'anchor-api-key': keys[p]!, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  const creates: Create[] = [];
  const webhooks = new Map<string, Webhook>();
  let token = 0;
  let sent = 0;
  let answered = 0;
  let unanswered = 0;
  // Killed between 30 % and 60 % of the way, while IN_FLIGHT requests are under way.
  const killAt = Math.floor(OPERATIONS * (0.3 + Math.random() * 0.3));
  let killed = false;

  async function createOne(): Promise<void> {
    const project = creates.length % PROJECTS;
    const n = Math.floor(creates.length / PROJECTS);
    const create: Create = {
      project,
      key: `crash-${project}-${n}`,
      body: { url: `http://127.0.0.1:9/c${project}-${n}`, description: `c${project}-${n}`, subscribed_events: ['task.completed'], enabled: true },
    };
    creates.push(create);
    const { enabled: _enabled, ...body } = create.body;
    const res = await api(first, project, 'POST', '/v1/webhooks', body, { 'idempotency-key': create.key });
    const json = (await res.json()) as { id: string; secret: string };
    create.answered = { status: res.status, id: json.id, secret: json.secret };
    if (res.status === 201) webhooks.set(json.id, { project, id: json.id, secret: json.secret, acked: create.body, updating: false });
  }

  async function updateOne(webhook: Webhook): Promise<void> {
    const next = updateFor(++token);
    webhook.updating = true;
    webhook.pending = next;
    const res = await api(first, webhook.project, 'PATCH', `/v1/webhooks/${webhook.id}`, next);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(stateOf((await res.json()) as State)).toEqual(next);
    webhook.acked = next;
    webhook.pending = undefined;
    webhook.updating = false;
  }

  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      // Each worker keeps sending until a request fails: the ones in flight at the kill, or the
      // first one after it (refused).
      while (sent < OPERATIONS) {
        sent++;
        // Updates go one at a time per webhook, so at most one is unacknowledged when the process dies.
        const idle = [...webhooks.values()].filter((w) => !w.updating);
        const canCreate = creates.length < PROJECTS * webhookLimit;
        try {
          if (idle.length > 0 && (Math.random() < 0.5 || !canCreate)) await updateOne(idle[Math.floor(Math.random() * idle.length)]!);
          else await createOne();
          answered++;
        } catch (error) {
          if (!killed) throw error;
          unanswered++; // cut off by the kill, or refused after it
          break;
        }
        if (answered >= killAt && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    }),
  );
  await first.exited;
  expect(killed).toBe(true);
  expect(answered).toBeLessThan(OPERATIONS); // the kill landed mid-way
  expect(unanswered).toBe(IN_FLIGHT);

  const second = await spawnServer(env);
  children.push(second);

  // Every acknowledged create is there, with its data (or an update's, all of one token).
  let pendingApplied = 0;
  let pendingLost = 0;
  for (const webhook of webhooks.values()) {
    const res = await api(second, webhook.project, 'GET', `/v1/webhooks/${webhook.id}`);
    expect(res.status).toBe(200);
    const stored = stateOf((await res.json()) as State);
    expect([webhook.acked, ...(webhook.pending ? [webhook.pending] : [])]).toContainEqual(stored);
    if (webhook.pending && JSON.stringify(stored) === JSON.stringify(webhook.pending)) pendingApplied++;
    else if (webhook.pending) pendingLost++;
  }

  // A create with no answer: retried with its key, it is replayed (it had committed) or made now.
  let replayed = 0;
  for (const create of creates.filter((c) => !c.answered)) {
    const { enabled: _enabled, ...body } = create.body;
    const res = await api(second, create.project, 'POST', '/v1/webhooks', body, { 'idempotency-key': create.key });
    expect(res.status).toBe(201);
    const json = (await res.json()) as { id: string; secret: string };
    if (res.headers.get('idempotent-replayed') === 'true') replayed++;
    create.answered = { status: 201, id: json.id, secret: json.secret };
    webhooks.set(json.id, { project: create.project, id: json.id, secret: json.secret, acked: create.body, updating: false });
  }

  // Each project holds exactly the webhooks of the creates it sent.
  for (let p = 0; p < PROJECTS; p++) {
    const res = await api(second, p, 'GET', '/v1/webhooks');
    const { data } = (await res.json()) as { data: { items: Array<{ id: string }> } };
    const expected = creates.filter((c) => c.project === p && c.answered?.status === 201).map((c) => c.answered!.id);
    expect(new Set(data.items.map((w) => w.id))).toEqual(new Set(expected));
  }

  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  // The database: intact, one current secret per webhook, and it is the secret the create returned.
  const db = openDatabase(dbPath);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const secretRows = db
      .prepare<[], { id: string; current: number }>('SELECT w.id, (SELECT count(*) FROM webhook_secrets s WHERE s.webhook_id = w.id AND s.expires_at IS NULL) AS current FROM webhooks w')
      .all();
    expect(secretRows.filter((r) => r.current !== 1)).toEqual([]);
    expect(secretRows.map((r) => r.id).sort()).toEqual([...webhooks.keys()].sort());
    const reopened = openStores(db, systemClock, { dbPath, secretKey: undefined });
    for (const webhook of webhooks.values()) expect(reopened.secrets.validSecrets(webhook.id, Date.now())).toEqual([webhook.secret]);
  } finally {
    db.close();
  }
  console.info(`kill -9 after ${answered} answers (${sent - answered} requests unanswered), ${creates.filter((c) => c.answered && c.answered.status === 201).length} webhooks, ${replayed} unanswered creates had committed, unanswered updates: ${pendingApplied} applied, ${pendingLost} not`);
}, 120_000);
