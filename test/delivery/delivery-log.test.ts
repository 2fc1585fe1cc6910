import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppWithWorker, type AppWithWorker } from './support/app-with-worker.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let open: Array<AppWithWorker | Receiver> = [];
afterEach(async () => {
  // The app's close also fails the test if any response broke the contract.
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

async function setup(options: Parameters<typeof startAppWithWorker>[0] = {}) {
  const receiver = await startReceiver();
  const t = await startAppWithWorker(options);
  open.push(t, receiver);
  const createWebhook = async (events: Array<'task.completed' | 'task.failed' | 'session.failed'> = ['task.completed', 'task.failed'], client = t.client) => {
    const { data, error } = await client.POST('/v1/webhooks', { body: { url: receiver.url, subscribed_events: events } });
    if (error) throw new Error(JSON.stringify(error));
    return data.id;
  };
  const publish = async (type: 'task.completed' | 'task.failed' | 'session.failed', client = t.client) => {
    const { data, error, response } = await client.POST('/v1/events', { body: { type } });
    if (error) throw new Error(JSON.stringify(error));
    expect(response.status).toBe(202);
    return data;
  };
  const list = (webhookId: string, query: Record<string, unknown> = {}, client = t.client) =>
    client.GET('/v1/webhooks/{webhook_id}/events', { params: { path: { webhook_id: webhookId }, query: query as never } });
  return { t, receiver, createWebhook, publish, list };
}

describe('listWebhookEvents', () => {
  it('lists newest first with filters, a total count and offset pagination', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    const times: number[] = [];
    const types = ['task.completed', 'task.failed', 'task.completed', 'task.completed', 'task.failed'] as const;
    for (const type of types) {
      times.push(t.clock.now());
      await publish(type);
      t.clock.advance(1_000);
    }

    const all = await list(webhookId);
    expect(all.data!.data.count).toBe(5);
    expect(all.data!.data.items.map((d) => d.created_at)).toEqual([...times].reverse().map((ms) => new Date(ms).toISOString()));
    expect(all.data!.data.items.every((d) => d.status === 'pending' && d.attempt_count === 0 && d.webhook_id === webhookId)).toBe(true);

    const page = await list(webhookId, { limit: 2, offset: 2 });
    expect(page.data!.data.count).toBe(5);
    expect(page.data!.data.items.map((d) => d.id)).toEqual(all.data!.data.items.slice(2, 4).map((d) => d.id));

    const failed = await list(webhookId, { event_type: 'task.failed' });
    expect(failed.data!.data).toMatchObject({ count: 2 });
    expect(failed.data!.data.items.every((d) => d.event_type === 'task.failed')).toBe(true);

    const window = await list(webhookId, { created_after: new Date(times[1]!).toISOString(), created_before: new Date(times[3]!).toISOString() });
    expect(window.data!.data.items.map((d) => d.created_at)).toEqual([times[2]!, times[1]!].map((ms) => new Date(ms).toISOString()));

    const none = { pending: 0, in_flight: 0, succeeded: 0, failed: 0, dead: 0 };
    expect((await list(webhookId, { status: 'succeeded' })).data!.data).toEqual({ count: 0, has_more: false, items: [], counts_by_status: { ...none, pending: 5 } });
    expect((await list(webhookId, { status: 'pending', limit: 1 })).data!.data.count).toBe(5);

    // One event's delivery, by its id; the counts follow every filter but the status.
    const byEvent = await list(webhookId, { event_id: all.data!.data.items[3]!.event_id, status: 'succeeded' });
    expect(byEvent.data!.data).toEqual({ count: 0, has_more: false, items: [], counts_by_status: { ...none, pending: 1 } });
    const oneEvent = await list(webhookId, { event_id: all.data!.data.items[3]!.event_id });
    expect(oneEvent.data!.data.items.map((d) => d.id)).toEqual([all.data!.data.items[3]!.id]);
    expect(failed.data!.data.counts_by_status).toEqual({ ...none, pending: 2 });
    expect(all.data!.data.items.every((d) => d.last_error === null)).toBe(true);
  });

  it('counts each status for filter chips, and gives the last attempt’s error class', async () => {
    const { t, receiver, createWebhook, publish, list } = await setup();
    receiver.setResponder((req) => ({ status: req.headers['anchor-event'] === 'task.failed' ? 500 : 200 }));
    const webhookId = await createWebhook(['task.completed', 'task.failed']);
    await publish('task.completed');
    await publish('task.failed');
    await receiver.waitFor(2);
    await t.worker.idle();
    // Nothing listens on a closed receiver's port: the attempt cannot connect.
    const gone = await startReceiver();
    await gone.close();
    const { data: unreachable } = await t.client.POST('/v1/webhooks', { body: { url: gone.url, subscribed_events: ['session.failed'] } });
    await publish('session.failed');
    await t.worker.idle();

    const { data } = await list(webhookId);
    expect(data!.data.counts_by_status).toEqual({ pending: 0, in_flight: 0, succeeded: 1, failed: 1, dead: 0 });
    expect(data!.data.items.map((d) => [d.event_type, d.status, d.last_status_code, d.last_error])).toEqual([
      ['task.failed', 'failed', 500, 'http_status'],
      ['task.completed', 'succeeded', 200, null],
    ]);
    const refused = (await list(unreachable!.id)).data!.data.items;
    expect(refused.map((d) => [d.status, d.last_status_code, d.last_error])).toEqual([['failed', null, 'connection']]);
    const detail = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: unreachable!.id, delivery_id: refused[0]!.id } } });
    expect(detail.data!.attempts.map((a) => [a.error, a.response_headers])).toEqual([['connection', null]]);
  });

  it('filters by each status on a log that mixes every status', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    // A different number of deliveries in each status, so that a filter that is dropped or swapped shows.
    const wanted = { pending: 1, in_flight: 2, succeeded: 3, failed: 4, dead: 5 } as const;
    const ids = new Map<string, string[]>();
    for (const [status, n] of Object.entries(wanted)) {
      for (let i = 0; i < n; i++) {
        await publish('task.completed');
        const [newest] = (await list(webhookId, { limit: 1 })).data!.data.items;
        // The worker is off: each delivery is put in its status as the dispatcher would leave it.
        const now = t.clock.now();
        const fields =
          status === 'in_flight' ? { next: null, lease: now + 60_000, attempts: 0 } : status === 'pending' ? { next: now, lease: null, attempts: 0 } : status === 'failed' ? { next: now + 60_000, lease: null, attempts: 1 } : { next: null, lease: null, attempts: 1 };
        t.db
          .prepare('UPDATE deliveries SET status = ?, next_attempt_at = ?, lease_until = ?, attempt_count = ? WHERE id = ?')
          .run(status, fields.next, fields.lease, fields.attempts, newest!.id);
        ids.set(status, [...(ids.get(status) ?? []), newest!.id]);
        t.clock.advance(1_000);
      }
    }
    expect((await list(webhookId, { limit: 100 })).data!.data.count).toBe(15);
    for (const [status, n] of Object.entries(wanted)) {
      const { data } = await list(webhookId, { status, limit: 100 });
      expect(data!.data.count, status).toBe(n);
      expect(data!.data.items.map((d) => d.status), status).toEqual(Array(n).fill(status));
      expect(data!.data.items.map((d) => d.id).sort(), status).toEqual([...ids.get(status)!].sort());
    }
  });

  it('pages with a cursor: starting_after and has_more walk a growing log without skipping or repeating a row', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    for (let i = 0; i < 5; i++) {
      await publish('task.completed');
      t.clock.advance(1_000);
    }
    const before = (await list(webhookId)).data!.data.items.map((d) => d.id);

    const walked: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = (await list(webhookId, { limit: 2, ...(cursor ? { starting_after: cursor } : {}) })).data!.data;
      walked.push(...page.items.map((d) => d.id));
      expect(page.count).toBe(5 + (walked.length > 2 ? 2 : 0));
      if (!page.has_more) break;
      cursor = page.items.at(-1)!.id;
      // New deliveries arrive while the walk goes on (newest first: they land on page one).
      if (walked.length === 2) {
        await publish('task.completed');
        await publish('task.completed');
      }
    }
    expect(walked).toEqual(before);

    // Offset paging over the same growth repeats rows: a new delivery shifts every offset.
    const first = (await list(webhookId, { limit: 2 })).data!.data.items.map((d) => d.id);
    await publish('task.completed');
    const second = (await list(webhookId, { limit: 2, offset: 2 })).data!.data.items.map((d) => d.id);
    expect(second[0]).toBe(first[1]);
    // Pinning the walk with created_before (the docs' advice) keeps offsets still.
    const pinned = new Date(t.clock.now()).toISOString();
    const p1 = (await list(webhookId, { limit: 2, created_before: pinned })).data!.data.items.map((d) => d.id);
    t.clock.advance(1);
    await publish('task.completed');
    const p2 = (await list(webhookId, { limit: 2, offset: 2, created_before: pinned })).data!.data.items.map((d) => d.id);
    expect(p2.some((id) => p1.includes(id))).toBe(false);

    // A cursor that is not a delivery of this webhook is refused, naming the parameter.
    const unknown = await list(webhookId, { starting_after: randomUUID() });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error).toMatchObject({ code: 'validation_failed', errors: [{ location: 'query', path: 'starting_after' }] });
  });

  it('takes created_after and created_before as typed (curl, Postman, a literal fetch URL), not only percent-encoded', async () => {
    const { t, createWebhook, publish } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const at = new Date(t.clock.now()).toISOString();
    const url = (query: string) => `${t.baseUrl}/v1/webhooks/${webhookId}/events?${query}`;
    const get = (query: string) => fetch(url(query), { headers: { 'anchor-api-key': t.apiKey } });
    // The spec's own example, as typed: ':' unencoded is legal in a query (RFC 3986).
    for (const query of [`created_after=${at}`, `created_before=2099-01-01T00:00:00Z&created_after=${at}`, `created_after=${encodeURIComponent(at)}`, 'created_after=2026-05-14T11:21:07%2B02:00']) {
      const res = await get(query);
      expect(res.status, query).toBe(200);
      expect((await res.json()).data.count, query).toBe(1);
    }
    // An unencoded '+' is a space in a query: the date is then invalid, and the answer says which parameter.
    const plus = await get('created_after=2026-05-14T11:21:07+02:00');
    expect(plus.status).toBe(400);
    expect((await plus.json()).errors).toEqual([expect.objectContaining({ location: 'query', path: 'created_after' })]);
  });

  it('rejects out-of-range paging and unknown filters with validation_failed', async () => {
    const { createWebhook, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    for (const query of [{ limit: 0 }, { limit: 101 }, { offset: -1 }, { status: 'lost' }, { event_type: 'task.exploded' }, { created_after: 'yesterday' }]) {
      const { error, response } = await list(webhookId, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(error).toMatchObject({ code: 'validation_failed' });
    }
  });
});

describe('getWebhookEvent', () => {
  it('returns attempts oldest first and the exact payload sent', async () => {
    const { t, receiver, createWebhook, publish, list } = await setup();
    const statuses = [500, 200];
    receiver.setResponder((_r, i) => ({ status: statuses[i] ?? 200, headers: { 'x-receiver': `attempt ${i + 1}` }, body: i === 0 ? 'boom' : 'ok' }));
    const webhookId = await createWebhook();
    await publish('task.completed');
    await receiver.waitFor(1);
    await t.worker.idle();
    t.clock.advance(50); // the first retry is due
    t.worker.notify();
    await receiver.waitFor(2);
    await t.worker.idle();

    const [delivery] = (await list(webhookId)).data!.data.items;
    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: delivery!.id } } });
    expect(data).toMatchObject({ status: 'succeeded', attempt_count: 2, last_status_code: 200, next_attempt_at: null });
    expect(data!.attempts.map((a) => [a.attempt_number, a.status_code, a.error, a.response_excerpt])).toEqual([
      [1, 500, 'http_status', 'boom'],
      [2, 200, null, 'ok'],
    ]);
    expect(data!.attempts[0]!.error_message).toBe('The receiver answered 500.');
    // What the receiver answered besides its body: its headers, as sent.
    expect(data!.attempts.map((a) => a.response_headers?.['x-receiver'])).toEqual(['attempt 1', 'attempt 2']);
    expect(data!.attempts[1]!.response_headers).toMatchObject({ date: expect.any(String), connection: 'keep-alive' });
    expect(data!.payload).toBe(receiver.requests[1]!.rawBody.toString());
    expect(receiver.requests[0]!.rawBody.equals(receiver.requests[1]!.rawBody)).toBe(true);
  });

  it('shows the latest 500 attempts of a delivery redelivered past that, with the total in attempt_count', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    const insert = t.db.prepare(
      "INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, error, error_message, response_excerpt, request_headers) VALUES (?, ?, ?, 5, 200, NULL, NULL, 'ok', '{}')",
    );
    t.db.transaction(() => {
      for (let n = 1; n <= 503; n++) insert.run(delivery.id, n, t.clock.now() + n);
    })();
    t.db.prepare("UPDATE deliveries SET attempt_count = 503, status = 'succeeded', next_attempt_at = NULL WHERE id = ?").run(delivery.id);
    const { data } = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: delivery.id } } });
    expect(data!.attempt_count).toBe(503);
    expect(data!.attempts).toHaveLength(500);
    expect([data!.attempts[0]!.attempt_number, data!.attempts.at(-1)!.attempt_number]).toEqual([4, 503]);
  });

  it('answers delivery_not_found for an unknown id and for another webhook’s delivery', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const a = await createWebhook(['task.completed']);
    const b = await createWebhook(['task.failed']);
    await publish('task.completed');
    const delivery = (await list(a)).data!.data.items[0]!;
    for (const [webhookId, deliveryId] of [[a, randomUUID()], [b, delivery.id]] as const) {
      const { error, response } = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: deliveryId } } });
      expect(response.status).toBe(404);
      expect(error).toMatchObject({ code: 'delivery_not_found' });
    }
  });
});

describe('redeliverWebhookEvent', () => {
  it('202 schedules a fresh attempt with the same event id and body; attempt numbers keep counting', async () => {
    const { t, receiver, createWebhook, publish, list } = await setup();
    const webhookId = await createWebhook();
    const event = await publish('task.completed');
    await receiver.waitFor(1);
    await t.worker.idle();
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    expect(delivery.status).toBe('succeeded');

    t.clock.advance(60_000);
    const { data, response } = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: delivery.id } },
    });
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ id: delivery.id, status: 'pending', attempt_count: 1, next_attempt_at: new Date(t.clock.now()).toISOString() });
    await receiver.waitFor(2);
    await t.worker.idle();

    const [first, second] = receiver.requests;
    expect(second!.rawBody.equals(first!.rawBody)).toBe(true);
    expect(JSON.parse(second!.rawBody.toString()).id).toBe(event.id);
    expect(second!.headers['anchor-delivery-id']).toBe(delivery.id);
    expect(Number(second!.headers['anchor-timestamp'])).toBe(Number(first!.headers['anchor-timestamp']) + 60);
    expect(second!.headers['anchor-signature']).not.toBe(first!.headers['anchor-signature']);
    const detail = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: delivery.id } } });
    expect(detail.data!.attempts.map((a) => a.attempt_number)).toEqual([1, 2]);
    expect(detail.data).toMatchObject({ status: 'succeeded', attempt_count: 2 });
  });

  it('409 delivery_in_progress while the delivery is pending', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    const { error, response } = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: delivery.id } },
    });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: 'delivery_in_progress' });
  });
});

describe('getWebhookStats', () => {
  const HOUR = 3_600_000;
  const zero = { pending: 0, in_flight: 0, succeeded: 0, failed: 0, dead: 0 };

  it('200: the last delivery, the last 24 h by status and hour by hour, and since when it fails and when it would be disabled', async () => {
    const { t, receiver, createWebhook, publish } = await setup();
    receiver.setResponder((req) => ({ status: req.headers['anchor-event'] === 'task.failed' ? 500 : 200 }));
    const webhookId = await createWebhook(['task.completed', 'task.failed']);
    const stats = async () => {
      const { data, response } = await t.client.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: webhookId } } });
      expect(response.status).toBe(200);
      return data!;
    };
    const start = t.clock.now();
    const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

    const fresh = await stats();
    expect(fresh).toMatchObject({ webhook_id: webhookId, counts: zero, last_delivery: null, failing_since: null, auto_disable_at: null });
    expect(fresh.window_start).toBe(new Date(hourOf(start) - 23 * HOUR).toISOString());
    expect(fresh.window_end).toBe(new Date(start).toISOString());
    expect(fresh.hourly.map((h) => h.start)).toEqual(Array.from({ length: 24 }, (_, i) => new Date(hourOf(start) - (23 - i) * HOUR).toISOString()));

    await publish('task.completed');
    await receiver.waitFor(1);
    await t.worker.idle();
    t.clock.advance(2 * HOUR);
    await publish('task.failed');
    await receiver.waitFor(2);
    await t.worker.idle();
    const failingSince = t.clock.now();

    const failing = await stats();
    expect(failing.counts).toEqual({ ...zero, succeeded: 1, failed: 1 });
    expect(failing.hourly[21]!.counts).toEqual({ ...zero, succeeded: 1 });
    expect(failing.hourly[23]!.counts).toEqual({ ...zero, failed: 1 });
    expect(failing.hourly.filter((h) => Object.values(h.counts).some((n) => n > 0))).toHaveLength(2);
    expect(failing.last_delivery).toMatchObject({ event_type: 'task.failed', status: 'failed', last_status_code: 500, last_error: 'http_status' });
    expect(failing.failing_since).toBe(new Date(failingSince).toISOString());
    // The worker's threshold (ANCHOR_AUTO_DISABLE_AFTER, 5 days by default) after the failures began.
    expect(failing.auto_disable_at).toBe(new Date(failingSince + 5 * 24 * HOUR).toISOString());

    // Disabled: it will not be disabled again; 23 hours on, the first delivery has left the window.
    await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } }, body: { enabled: false } });
    t.clock.advance(23 * HOUR);
    const later = await stats();
    expect(later.auto_disable_at).toBeNull();
    expect(later.counts).toEqual({ ...zero, [later.last_delivery!.status]: 1 });
    expect(later.last_delivery!.event_type).toBe('task.failed');
  });

  it('404 for an unknown webhook and for another project’s; a deleted webhook’s stats stay readable', async () => {
    const { t, createWebhook } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    const other = t.newProject();
    for (const [client, id] of [[t.client, 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y'], [other.client, webhookId]] as const) {
      const { response, error } = await client.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: id } } });
      expect(response.status).toBe(404);
      expect(error).toMatchObject({ code: 'webhook_not_found' });
    }
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } });
    const { response } = await t.client.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: webhookId } } });
    expect(response.status).toBe(200);
  });
});

describe('sendWebhookTestEvent', () => {
  it('202 queues any catalog type, subscribed or not, to that webhook only, with example data', async () => {
    const { t, receiver, createWebhook, list } = await setup();
    const target = await createWebhook(['task.completed']);
    const bystander = await createWebhook(['session.failed']);
    const { data, response } = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: target } }, body: { event_type: 'session.failed' } });
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ event_type: 'session.failed' });
    await receiver.waitFor(1);
    await t.worker.idle();
    expect(receiver.requests).toHaveLength(1);
    const body = JSON.parse(receiver.requests[0]!.rawBody.toString());
    expect(body).toMatchObject({ id: data!.external_event_id, type: 'session.failed', text: 'Session 9a8b7c6d failed: browser_crash' });
    expect(body.data.session_id).toBe('9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'); // the spec's example
    expect(receiver.requests[0]!.headers['anchor-delivery-id']).toBe(data!.delivery_id);
    expect((await list(target)).data!.data.items.map((d) => d.id)).toEqual([data!.delivery_id]);
    expect((await list(bystander)).data!.data.count).toBe(0);
  });

  it('409 webhook_disabled for a disabled webhook; redeliver answers the same', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    await t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } }, body: { enabled: false } });
    const test = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: 'task.completed' } });
    expect(test.response.status).toBe(409);
    expect(test.error).toMatchObject({ code: 'webhook_disabled' });
    // A disabled webhook gets no new deliveries.
    expect((await publish('task.completed')).delivery_count).toBe(0);
    const redeliver = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: delivery.id } },
    });
    expect(redeliver.response.status).toBe(409);
    expect(redeliver.error).toMatchObject({ code: 'webhook_disabled' });
  });
});

describe('publishEvent', () => {
  it('validates data against the type’s payload schema and names each invalid value', async () => {
    const { t, createWebhook, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    const { error, response } = await t.client.POST('/v1/events', { body: { type: 'task.completed', data: { task_id: 'not-a-uuid', duration_ms: -1 } } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'validation_failed' });
    const paths = error!.errors!.map((e) => `${e.location} ${e.path}`);
    expect(paths).toContain('body /data/task_id');
    expect(paths).toContain('body /data');
    expect((await list(webhookId)).data!.data.count).toBe(0); // nothing stored
  });

  it('stores the given data and text, and fans out to subscribed webhooks only', async () => {
    const { t, receiver, createWebhook } = await setup();
    await createWebhook(['task.failed']);
    await createWebhook(['task.completed']);
    const example = (await t.client.POST('/v1/events', { body: { type: 'task.completed' } })).data!;
    expect(example.delivery_count).toBe(1);
    await receiver.waitFor(1);
    const data = JSON.parse(receiver.requests[0]!.rawBody.toString()).data;
    const custom = { ...data, task_name: 'nightly-export' };
    const { data: event } = await t.client.POST('/v1/events', { body: { type: 'task.completed', data: custom, text: 'Nightly export done' } });
    await receiver.waitFor(2);
    await t.worker.idle();
    const body = JSON.parse(receiver.requests[1]!.rawBody.toString());
    expect(body).toEqual({ id: event!.id, type: 'task.completed', created: new Date(t.clock.now()).toISOString(), project_id: t.projectId, text: 'Nightly export done', data: custom });
  });
});

describe('project isolation and deleted webhooks', () => {
  it('another project sees 404 webhook_not_found on every delivery operation, byte for byte as for a missing webhook', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    const other = t.newProject();
    const missing = 'wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y';

    const calls = (id: string) => [
      () => fetch(`${t.baseUrl}/v1/webhooks/${id}/events`, { headers: { 'anchor-api-key': other.apiKey } }),
      () => fetch(`${t.baseUrl}/v1/webhooks/${id}/events/${delivery.id}`, { headers: { 'anchor-api-key': other.apiKey } }),
      () => fetch(`${t.baseUrl}/v1/webhooks/${id}/events/${delivery.id}/redeliver`, { method: 'POST', headers: { 'anchor-api-key': other.apiKey } }),
      () =>
        fetch(`${t.baseUrl}/v1/webhooks/${id}/test`, {
          method: 'POST',
          headers: { 'anchor-api-key': other.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ event_type: 'task.completed' }),
        }),
    ];
    const theirs = calls(webhookId);
    const nobodys = calls(missing);
    for (let i = 0; i < theirs.length; i++) {
      const [a, b] = await Promise.all([theirs[i]!(), nobodys[i]!()]);
      expect(a.status).toBe(404);
      const [bodyA, bodyB] = await Promise.all([a.text(), b.text()]);
      expect(JSON.parse(bodyA).code).toBe('webhook_not_found');
      // Byte for byte, but for each answer's own request id.
      const withoutRequestId = (body: string) => body.replace(/"request_id":"req_[0-9a-f]{32}"/, '"request_id":""');
      expect(withoutRequestId(bodyA)).toBe(withoutRequestId(bodyB).replaceAll(missing, webhookId));
    }
    // The owner's view is untouched, and the other project's own publish does not reach it.
    await publish('task.completed', other.client);
    expect((await list(webhookId)).data!.data.count).toBe(1);
  });

  it('a deleted webhook’s log stays queryable; redeliver and test answer webhook_not_found', async () => {
    const { t, createWebhook, publish, list } = await setup({ startWorker: false });
    const webhookId = await createWebhook();
    await publish('task.completed');
    const delivery = (await list(webhookId)).data!.data.items[0]!;
    await t.client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } });

    expect((await list(webhookId)).data!.data.count).toBe(1);
    const detail = await t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id: webhookId, delivery_id: delivery.id } } });
    expect(detail.response.status).toBe(200);
    const redeliver = await t.client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: delivery.id } },
    });
    expect(redeliver.response.status).toBe(404);
    expect(redeliver.error).toMatchObject({ code: 'webhook_not_found' });
    const test = await t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: 'task.completed' } });
    expect(test.error).toMatchObject({ code: 'webhook_not_found' });
    expect((await publish('task.completed')).delivery_count).toBe(0);
  });
});
