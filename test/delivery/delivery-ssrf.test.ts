import { afterEach, describe, expect, it } from 'vitest';
import type { Resolver } from '../../server/url-policy/types.js';
import { startDeliveryHarness, type Harness } from './support/delivery-harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';

let open: Array<Harness | Receiver> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

/** A stub DNS whose answers the test changes, as a real one might after the URL was stored. */
function stubDns(answers: Record<string, string>) {
  const asked: string[] = [];
  const resolver: Resolver = async (hostname) => {
    asked.push(hostname);
    const address = answers[hostname];
    if (!address) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { resolver, asked };
}

async function deliverOnce(h: Harness, url: string) {
  const webhook = h.createWebhook(url);
  const [deliveryId] = h.publisher.publishTest({ projectId: h.projectId, webhookId: webhook.id, type: 'task.completed' }).deliveryIds;
  await h.waitForStatus(webhook.id, deliveryId!, ['dead', 'succeeded']);
  return h.attempts(deliveryId!)[0]!;
}

describe('delivery-time SSRF protection (private targets not allowed)', () => {
  it('a host name whose DNS answer is now 127.0.0.1, then 10.0.0.1, is refused before any connection', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const dns = stubDns({ 'hooks.customer-app.com': '127.0.0.1' });
    const h = startDeliveryHarness({ allowPrivateTargets: false, resolver: dns.resolver, delivery: { retrySchedule: [0] } });
    open.push(h);

    // The receiver listens on loopback: any connection the guard let through would show up here.
    const loopback = await deliverOnce(h, `https://hooks.customer-app.com:${receiver.port}/hook`);
    expect(dns.asked).toContain('hooks.customer-app.com');
    expect(loopback).toMatchObject({ status_code: null, error: 'url_not_allowed' });
    expect(loopback.error_message).toMatch(/ip_not_public: hooks\.customer-app\.com resolves to 127\.0\.0\.1/);
    expect(receiver.connections).toBe(0);

    // Only once the guard has been seen refusing loopback: a private answer must be refused the same way.
    const dns2 = stubDns({ 'hooks.customer-app.com': '10.0.0.1' });
    const h2 = startDeliveryHarness({ allowPrivateTargets: false, resolver: dns2.resolver, delivery: { retrySchedule: [0] } });
    open.push(h2);
    const privateAnswer = await deliverOnce(h2, `https://hooks.customer-app.com:${receiver.port}/hook`);
    expect(privateAnswer).toMatchObject({ status_code: null, error: 'url_not_allowed' });
    expect(privateAnswer.error_message).toMatch(/10\.0\.0\.1.*10\.0\.0\.0\/8/);
  });

  it('IP-literal hosts, for which Node skips lookup, are checked before connecting', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const h = startDeliveryHarness({ allowPrivateTargets: false, delivery: { retrySchedule: [0] } });
    open.push(h);

    const literal = await deliverOnce(h, `https://127.0.0.1:${receiver.port}/hook`);
    expect(literal).toMatchObject({ error: 'url_not_allowed' });
    expect(literal.error_message).toContain('ip_not_public');
    const mapped = await deliverOnce(h, `https://[::ffff:127.0.0.1]:${receiver.port}/hook`);
    expect(mapped).toMatchObject({ error: 'url_not_allowed' });
    const plainHttp = await deliverOnce(h, `http://127.0.0.1:${receiver.port}/hook`);
    expect(plainHttp).toMatchObject({ error: 'url_not_allowed' });
    expect(plainHttp.error_message).toContain('scheme_not_https');
    expect(receiver.connections).toBe(0);
  });

  it('with ANCHOR_ALLOW_PRIVATE_TARGETS the same name resolving to loopback is delivered (the control)', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const dns = stubDns({ 'hooks.customer-app.com': '127.0.0.1' });
    const h = startDeliveryHarness({ allowPrivateTargets: true, resolver: dns.resolver, delivery: { retrySchedule: [0] } });
    open.push(h);

    const attempt = await deliverOnce(h, `http://hooks.customer-app.com:${receiver.port}/hook`);
    expect(attempt).toMatchObject({ status_code: 200, error: null });
    expect(receiver.requests).toHaveLength(1);
  });

  it('a name that does not resolve is an attempt error `dns`', async () => {
    const dns = stubDns({});
    const h = startDeliveryHarness({ allowPrivateTargets: false, resolver: dns.resolver, delivery: { retrySchedule: [0] } });
    open.push(h);
    const attempt = await deliverOnce(h, 'https://gone.customer-app.com/hook');
    expect(attempt).toMatchObject({ status_code: null, error: 'dns' });
    expect(dns.asked).toEqual(['gone.customer-app.com']);
  });
});

describe('the pre-connect check of IP-literal URLs', () => {
  it('belongs to its runtime: an answer cached under ANCHOR_ALLOW_PRIVATE_TARGETS never serves a strict one', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const url = `http://127.0.0.1:${receiver.port}/hook`;
    const lenient = startDeliveryHarness({ allowPrivateTargets: true, delivery: { retrySchedule: [0] } });
    open.push(lenient);
    expect(await deliverOnce(lenient, url)).toMatchObject({ status_code: 200, error: null });

    // A second runtime in the same process, started strict, with the same URL in its database.
    const strict = startDeliveryHarness({ allowPrivateTargets: false, delivery: { retrySchedule: [0] } });
    open.push(strict);
    const refused = await deliverOnce(strict, url);
    expect(refused).toMatchObject({ status_code: null, error: 'url_not_allowed' });
    expect(refused.error_message).toMatch(/scheme_not_https|ip_not_public/);
    expect(receiver.requests).toHaveLength(1);
  });
});
