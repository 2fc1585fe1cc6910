import type { LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockedAddressError,
  checkResolvedAddress,
  checkWebhookUrlWithoutDns,
  createGuardedLookup,
  ipLiteralOf,
  type GuardedLookup,
  type ResolvedAddress,
  type Resolver,
} from '../../server/url-policy/index.js';

// Connect-time enforcement. The only sockets opened here go to servers on 127.0.0.1.

const ZONE: Record<string, ResolvedAddress[]> = {
  'receiver.test': [{ address: '127.0.0.1', family: 4 }],
  'dual.acme-corp.com': [
    { address: '2606:4700:4700::1111', family: 6 },
    { address: '1.1.1.1', family: 4 },
  ],
  'rebound.acme-corp.com': [
    { address: '1.1.1.1', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ],
  'imds.acme-corp.com': [{ address: '169.254.169.254', family: 4 }],
  'none.acme-corp.com': [],
};
function stub() {
  const asked: string[] = [];
  const resolver: Resolver = async (hostname) => {
    asked.push(hostname);
    const answer = ZONE[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return { resolver, asked };
}

type Outcome = { error: (Error & { code?: string; rule?: string }) | null; address: string | LookupAddress[]; family?: number };
const run = (lookup: GuardedLookup, hostname: string, options: Parameters<GuardedLookup>[1]) =>
  new Promise<Outcome>((resolve) => lookup(hostname, options, (error, address, family) => resolve({ error, address, family })));

describe('checkResolvedAddress (the address actually dialled)', () => {
  const rows: [address: string, strict: string | null, relaxed: string | null][] = [
    ['8.8.8.8', null, null],
    ['2606:4700:4700::1111', null, null],
    ['[2606:4700:4700::1111]', null, null],
    ['127.0.0.1', 'ip_not_public', null],
    ['::1', 'ip_not_public', null],
    ['[::1]', 'ip_not_public', null],
    ['fe80::1%eth0', 'ip_not_public', null],
    ['10.1.2.3', 'ip_not_public', null],
    ['::ffff:10.1.2.3', 'ip_not_public', null],
    ['::ffff:a01:203', 'ip_not_public', null],
    ['::7f00:1', 'ip_not_public', 'ip_not_public'],
    ['64:ff9b::a01:203', 'ip_not_public', 'ip_not_public'],
    ['0.0.0.0', 'ip_not_public', 'ip_not_public'],
    ['224.0.0.251', 'ip_not_public', 'ip_not_public'],
    ['169.254.169.254', 'cloud_metadata', 'cloud_metadata'],
    ['fd00:ec2::254', 'cloud_metadata', 'cloud_metadata'],
    ['168.63.129.16', 'cloud_metadata', 'cloud_metadata'],
    ['::ffff:169.254.169.254', 'cloud_metadata', 'cloud_metadata'],
    // not canonical: a resolver never answers like this, so it is refused rather than guessed at
    ['127.1', 'ip_not_public', 'ip_not_public'],
    ['0x7f.0.0.1', 'ip_not_public', 'ip_not_public'],
    ['2130706433', 'ip_not_public', 'ip_not_public'],
    ['localhost', 'ip_not_public', 'ip_not_public'],
    ['', 'ip_not_public', 'ip_not_public'],
  ];
  it.each(rows)('%j → %s, relaxed → %s', (address, strict, relaxed) => {
    expect(checkResolvedAddress(address, { allowPrivateTargets: false })?.rule ?? null).toBe(strict);
    expect(checkResolvedAddress(address, { allowPrivateTargets: true })?.rule ?? null).toBe(relaxed);
  });

  it('names the address and the range', () => {
    expect(checkResolvedAddress('192.168.4.4', { allowPrivateTargets: false })).toEqual({
      rule: 'ip_not_public',
      detail: '192.168.4.4 is in 192.168.0.0/16 (Private-Use)',
    });
  });
});

describe('ipLiteralOf and checkWebhookUrlWithoutDns (for hosts Node dials without a lookup)', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['hooks.acme-corp.com', null],
    ['localhost', null],
  ])('ipLiteralOf(%j) is %j', (hostname, expected) => {
    expect(ipLiteralOf(hostname)).toBe(expected);
  });

  it('applies every rule but DNS, and hands back the name still to resolve', () => {
    expect(checkWebhookUrlWithoutDns('https://Hooks.Acme-Corp.com./x', { allowPrivateTargets: false })).toEqual({
      ok: true,
      url: 'https://hooks.acme-corp.com./x',
      hostname: 'hooks.acme-corp.com',
    });
    expect(checkWebhookUrlWithoutDns('https://8.8.8.8/x', { allowPrivateTargets: false })).toEqual({
      ok: true,
      url: 'https://8.8.8.8/x',
      hostname: null,
    });
    expect(checkWebhookUrlWithoutDns('https://0x7f.1/', { allowPrivateTargets: false })).toMatchObject({ ok: false, rule: 'ip_not_public' });
    expect(checkWebhookUrlWithoutDns('http://[::1]:3000/', { allowPrivateTargets: true })).toEqual({
      ok: true,
      url: 'http://[::1]:3000/',
      hostname: null,
    });
  });
});

describe('createGuardedLookup', () => {
  it('answers in the single-address form by default and the list form with all: true', async () => {
    const { resolver, asked } = stub();
    const lookup = createGuardedLookup({ allowPrivateTargets: false, resolver });
    expect(await run(lookup, 'dual.acme-corp.com', {})).toEqual({ error: null, address: '2606:4700:4700::1111', family: 6 });
    expect(await run(lookup, 'dual.acme-corp.com', { all: true })).toEqual({
      error: null,
      address: [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '1.1.1.1', family: 4 },
      ],
      family: undefined,
    });
    expect(asked).toEqual(['dual.acme-corp.com', 'dual.acme-corp.com']);
  });

  it('honours the requested family', async () => {
    const lookup = createGuardedLookup({ allowPrivateTargets: false, resolver: stub().resolver });
    expect(await run(lookup, 'dual.acme-corp.com', { family: 4 })).toMatchObject({ error: null, address: '1.1.1.1', family: 4 });
    expect(await run(lookup, 'dual.acme-corp.com', { family: 'IPv6', all: true })).toMatchObject({
      error: null,
      address: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
    const onlyV6 = await run(lookup, 'imds.acme-corp.com', { family: 6 });
    expect(onlyV6.error).toBeInstanceOf(BlockedAddressError); // checked before filtering: any blocked answer refuses
  });

  it('refuses the whole name when any address is blocked, with the rule and a detail', async () => {
    const lookup = createGuardedLookup({ allowPrivateTargets: false, resolver: stub().resolver });
    const outcome = await run(lookup, 'rebound.acme-corp.com', { all: true });
    expect(outcome.error).toBeInstanceOf(BlockedAddressError);
    expect(outcome.error).toMatchObject({
      code: 'ERR_URL_NOT_ALLOWED',
      rule: 'ip_not_public',
      detail: 'rebound.acme-corp.com resolves to 10.0.0.7, which is in 10.0.0.0/8 (Private-Use)',
    });
    expect(await run(lookup, 'imds.acme-corp.com', {})).toMatchObject({ error: { rule: 'cloud_metadata' } });
  });

  it('keeps metadata refused with allowPrivateTargets, and lets loopback through', async () => {
    const lookup = createGuardedLookup({ allowPrivateTargets: true, resolver: stub().resolver });
    expect(await run(lookup, 'imds.acme-corp.com', {})).toMatchObject({ error: { rule: 'cloud_metadata' } });
    expect(await run(lookup, 'receiver.test', {})).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it('passes resolver failures and empty answers on as lookup errors', async () => {
    const lookup = createGuardedLookup({ allowPrivateTargets: false, resolver: stub().resolver });
    expect((await run(lookup, 'missing.acme-corp.com', {})).error).toMatchObject({ code: 'ENOTFOUND' });
    expect((await run(lookup, 'none.acme-corp.com', {})).error).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('checks an IP-literal host itself, without asking the resolver', async () => {
    const { resolver, asked } = stub();
    const lookup = createGuardedLookup({ allowPrivateTargets: false, resolver });
    expect(await run(lookup, '10.0.0.1', {})).toMatchObject({ error: { rule: 'ip_not_public' } });
    expect(await run(lookup, '8.8.8.8', {})).toEqual({ error: null, address: '8.8.8.8', family: 4 });
    expect(asked).toEqual([]);
  });
});

describe('createGuardedLookup on real sockets (loopback only)', () => {
  let tcp: Server;
  let accepted = 0;
  let http: ReturnType<typeof createHttpServer>;
  beforeAll(async () => {
    tcp = createServer((socket) => {
      accepted++;
      socket.end('hello');
    });
    tcp.listen(0, '127.0.0.1');
    http = createHttpServer((_req, res) => res.end('received'));
    http.listen(0, '127.0.0.1');
    await Promise.all([once(tcp, 'listening'), once(http, 'listening')]);
  });
  afterAll(async () => {
    tcp.close();
    http.close();
  });
  const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

  it('net.connect reaches a local receiver only when private targets are allowed', async () => {
    const allowed = connect({ host: 'receiver.test', port: port(tcp), lookup: createGuardedLookup({ allowPrivateTargets: true, resolver: stub().resolver }) });
    const [data] = await once(allowed, 'data');
    expect(String(data)).toBe('hello');
    allowed.destroy();

    const before = accepted;
    const refused = connect({ host: 'receiver.test', port: port(tcp), lookup: createGuardedLookup({ allowPrivateTargets: false, resolver: stub().resolver }) });
    const [error] = await once(refused, 'error');
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toMatchObject({ rule: 'ip_not_public', hostname: 'receiver.test' });
    expect(accepted).toBe(before);
  });

  it("undici's connect.lookup uses it too", async () => {
    const url = `http://receiver.test:${port(http)}/hook`;
    const open = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivateTargets: true, resolver: stub().resolver }) } });
    const response = await request(url, { dispatcher: open });
    expect(await response.body.text()).toBe('received');
    await open.close();

    const guarded = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivateTargets: false, resolver: stub().resolver }) } });
    const failure = await request(url, { dispatcher: guarded }).then(
      () => null,
      (error: unknown) => error,
    );
    await guarded.close();
    expect(failure).toBeInstanceOf(BlockedAddressError);
    expect(failure).toMatchObject({ code: 'ERR_URL_NOT_ALLOWED', rule: 'ip_not_public' });
  });
});
