import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwOnError } from '../../client/index.js';
import { startAppWithWorker, type AppWithWorker } from '../delivery/support/app-with-worker.js';
import { createTestClock } from '../support/test-app.js';
import { spawnListen, type ListenProcess } from './support/spawn-listen.js';

// The developer loop end to end: the reference server's delivery worker sends a test event
// to `anchor-webhooks listen`, which verifies it with the webhook's secret and prints it.
// The server's clock is real time here, as `listen` checks the timestamp against its own.
let t: AppWithWorker;
let listen: ListenProcess;

beforeAll(async () => {
  t = await startAppWithWorker({ clock: createTestClock(Date.now()) });
}, 30_000);

afterAll(async () => {
  await listen?.stop();
  await t?.close();
});

describe('listen against the reference server', () => {
  it("prints the test event's line with its type, id and a verified signature, and the server logs a 200", async () => {
    const created = await throwOnError(
      t.client.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/not-yet', subscribed_events: ['task.completed'], description: 'listen e2e' } }),
    );
    listen = await spawnListen(['--secret', created.secret]);
    const webhook_id = created.id;
    await throwOnError(t.client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id } }, body: { url: listen.url } }));

    const sent = await throwOnError(t.client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id } }, body: { event_type: 'task.failed' } }));
    const line = await listen.nextLine((l) => l.includes(sent.external_event_id));
    expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d {2}task\\.failed {2,}${sent.external_event_id} {2}signature ok {2}latency \\d+s {2}answered 200$`));

    await t.worker.idle();
    const delivery = await throwOnError(
      t.client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params: { path: { webhook_id, delivery_id: sent.delivery_id } } }),
    );
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a) => [a.status_code, a.response_excerpt])).toEqual([[200, 'ok\n']]);
  }, 90_000);
});
