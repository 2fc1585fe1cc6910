import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkWebhookUrl, systemResolver, type ResolvedAddress, type Resolver, type UrlRule } from '../../server/url-policy/index.js';

// ---------------------------------------------------------------------------
// The stub DNS. Unknown names answer with public addresses; the zone below answers
// the names that matter. Nothing here ever reaches a real resolver.
// ---------------------------------------------------------------------------
const PUBLIC_ANSWER: ResolvedAddress[] = [
  { address: '93.184.215.14', family: 4 },
  { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
];
const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });
const dnsError = (code: string) => Object.assign(new Error(`getaddrinfo ${code}`), { code });

const ZONE: Record<string, ResolvedAddress[] | Error> = {
  'db.corp-dns.net': [v4('10.0.0.5')],
  '127.0.0.1.nip.io': [v4('127.0.0.1')],
  'localtest.me': [v4('127.0.0.1'), v6('::1')],
  'mixed.acme-corp.com': [v4('8.8.8.8'), v4('192.168.1.1')],
  'mixed6.acme-corp.com': [v4('8.8.8.8'), v6('2001:4860:4860::8888'), v6('fd12:3456::1')],
  'rebind.attacker-dns.net': [v4('169.254.169.254')],
  'wire.attacker-dns.net': [v4('168.63.129.16')],
  'imds6.attacker-dns.net': [v6('fd00:ec2::254')],
  'alibaba.attacker-dns.net': [v4('100.100.100.200')],
  'ula.attacker-dns.net': [v6('fd12:3456::1')],
  'mapped.attacker-dns.net': [v6('::ffff:10.0.0.1')],
  'mapped-dotted.attacker-dns.net': [v6('::ffff:127.0.0.1')],
  'nat64.attacker-dns.net': [v6('64:ff9b::a9fe:a9fe')],
  'zero.attacker-dns.net': [v4('0.0.0.0')],
  'cgnat.attacker-dns.net': [v4('100.64.0.1')],
  'linklocal6.attacker-dns.net': [v6('fe80::1')],
  'loopback6.attacker-dns.net': [v6('::1')],
  'multicast.attacker-dns.net': [v4('239.255.255.250')],
  'broadcast.attacker-dns.net': [v4('255.255.255.255')],
  'benchmark.attacker-dns.net': [v4('198.18.0.1')],
  'garbage.attacker-dns.net': [{ address: 'not-an-ip', family: 4 }],
  'nxdomain.acme-corp.com': dnsError('ENOTFOUND'),
  'servfail.acme-corp.com': dnsError('EAI_AGAIN'),
  'empty.acme-corp.com': [],
  'public-many.acme-corp.com': [v4('8.8.8.8'), v4('1.1.1.1'), v6('2606:4700:4700::1111')],
  'printer.local': [v4('192.168.1.20')],
  'server': [v4('192.168.1.2')],
  'localhost': [v4('127.0.0.1'), v6('::1')],
};

function stubResolver() {
  const calls: string[] = [];
  const resolver: Resolver = async (hostname) => {
    calls.push(hostname);
    const answer = ZONE[hostname];
    if (answer instanceof Error) throw answer;
    return answer ?? PUBLIC_ANSWER;
  };
  return { resolver, calls };
}

// ---------------------------------------------------------------------------
// Guard: record every real DNS lookup and socket connect made while this file runs.
// ---------------------------------------------------------------------------
const networkTouches: string[] = [];
beforeAll(() => {
  const record = (what: string) => (...args: unknown[]) => {
    networkTouches.push(`${what} ${String(args[0])}`);
    throw new Error(`${what} called from a URL-policy unit test`);
  };
  vi.spyOn(dns, 'lookup').mockImplementation(record('dns.lookup') as never);
  vi.spyOn(dns.promises, 'lookup').mockImplementation(record('dns.promises.lookup') as never);
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(record('net.Socket#connect') as never);
  syncBuiltinESMExports();
});
afterAll(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

// ---------------------------------------------------------------------------
// Special-purpose ranges, written out independently of the policy's own data; the
// rows take the first, a middle and the last address of each.
// ---------------------------------------------------------------------------
const V4_SPECIAL = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.0.0/29', '192.0.0.8/32', '192.0.0.9/32', '192.0.0.10/32', '192.0.0.170/32', '192.0.0.171/32',
  '192.0.2.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.88.99.0/24', '192.168.0.0/16', '192.175.48.0/24',
  '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32',
];
const V6_SPECIAL = [
  '::1/128', '::/128', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '100:0:0:1::/64',
  '2001::/23', '2001::/32', '2001:1::1/128', '2001:1::2/128', '2001:1::3/128', '2001:2::/48', '2001:3::/32',
  '2001:4:112::/48', '2001:10::/28', '2001:20::/28', '2001:30::/28', '2001:db8::/32', '2002::/16',
  '2620:4f:8000::/48', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'ff00::/8',
  // deprecated or reserved space outside 2000::/3
  'fec0::/10', '::/96', '4000::/3', 'e000::/4', '1000::/4',
];

function v4ToInt(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
}
function intToV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}
function v6ToInt(text: string): bigint {
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, undefined as unknown as string];
  const h = head ? head.split(':') : [];
  const t = text.includes('::') && tail ? tail.split(':') : [];
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
function intToV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return groups.join(':');
}
function firstMiddleLast(cidr: string): string[] {
  const [base, bitsText] = cidr.split('/') as [string, string];
  const isV6 = base.includes(':');
  const width = isV6 ? 128n : 32n;
  const host = width - BigInt(bitsText);
  const first = (isV6 ? v6ToInt(base) : v4ToInt(base)) & ~((1n << host) - 1n);
  const last = first + (1n << host) - 1n;
  const middle = first + ((1n << host) >> 1n) + (host > 8n ? 0x2an : 0n);
  const show = isV6 ? (n: bigint) => `[${intToV6(n)}]` : intToV4;
  return [...new Set([first, middle > last ? first : middle, last])].map(show);
}

// Metadata addresses inside these ranges report the more specific rule instead.
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', '192.0.0.192', '169.254.0.23', '169.254.42.42']);
const rangeRows: Row[] = [...V4_SPECIAL, ...V6_SPECIAL].flatMap((cidr) =>
  firstMiddleLast(cidr).map((host): Row => [`https://${host}/`, METADATA_V4.has(host) ? 'cloud_metadata' : 'ip_not_public']),
);

type Row = [url: string, expected: UrlRule | 'ok', normalised?: string];
const long = (length: number, base = 'https://hooks.acme-corp.com/') => base + 'a'.repeat(length - base.length);

const literalRows: Row[] = [
  // --- public URLs that must pass, with their normalised form ---
  ['https://hooks.acme-corp.com/anchor/webhooks', 'ok', 'https://hooks.acme-corp.com/anchor/webhooks'],
  ['https://HOOKS.Acme-Corp.COM/Anchor', 'ok', 'https://hooks.acme-corp.com/Anchor'],
  ['https://hooks.acme-corp.com:443/x', 'ok', 'https://hooks.acme-corp.com/x'],
  ['https://hooks.acme-corp.com:8443/x', 'ok', 'https://hooks.acme-corp.com:8443/x'],
  ['https://hooks.acme-corp.com', 'ok', 'https://hooks.acme-corp.com/'],
  ['https://hooks.acme-corp.com./x', 'ok', 'https://hooks.acme-corp.com./x'],
  ['https://hooks.acme-corp.com/x?a=1&b=2#frag', 'ok', 'https://hooks.acme-corp.com/x?a=1&b=2#frag'],
  ['https://hooks.acme-corp.com/a b', 'ok', 'https://hooks.acme-corp.com/a%20b'],
  ['https://bücher.de/hook', 'ok', 'https://xn--bcher-kva.de/hook'],
  ['https://例え.jp/hook', 'ok', 'https://xn--r8jz45g.jp/hook'],
  ['https:hooks.acme-corp.com/x', 'ok', 'https://hooks.acme-corp.com/x'],
  ['https:\\\\hooks.acme-corp.com\\x', 'ok', 'https://hooks.acme-corp.com/x'],
  ['  https://hooks.acme-corp.com/x  ', 'ok', 'https://hooks.acme-corp.com/x'],
  ['https://api.github.com/webhooks', 'ok', 'https://api.github.com/webhooks'],
  ['https://hooks.slack.com/services/T000/B000/XXXX', 'ok', 'https://hooks.slack.com/services/T000/B000/XXXX'],
  ['https://abc123.execute-api.us-east-1.amazonaws.com/prod/hook', 'ok'],
  ['https://abcdefghij.lambda-url.us-east-1.on.aws/', 'ok'],
  ['https://my-bucket.s3.amazonaws.com/', 'ok'],
  ['https://s3.us-east-1.amazonaws.com/', 'ok'],
  ['https://sqs.us-east-1.amazonaws.com/', 'ok'],
  ['https://events.eu-west-1.amazonaws.com/', 'ok'],
  ['https://public-many.acme-corp.com/', 'ok'],
  ['https://8.8.8.8/', 'ok', 'https://8.8.8.8/'],
  ['https://1.1.1.1/hook', 'ok', 'https://1.1.1.1/hook'],
  ['https://93.184.215.14/', 'ok'],
  ['https://9.9.9.9:8443/', 'ok', 'https://9.9.9.9:8443/'],
  ['https://134744072/', 'ok', 'https://8.8.8.8/'],
  ['https://0x08080808/', 'ok', 'https://8.8.8.8/'],
  ['https://010.010.010.010/', 'ok', 'https://8.8.8.8/'],
  ['https://8.526344/', 'ok', 'https://8.8.8.8/'],
  ['https://8.8.2056/', 'ok', 'https://8.8.8.8/'],
  ['https://[2606:4700:4700::1111]/', 'ok', 'https://[2606:4700:4700::1111]/'],
  ['https://[2001:4860:4860:0:0:0:0:8888]/', 'ok', 'https://[2001:4860:4860::8888]/'],
  ['https://[2A00:1450:4001:081C::200E]/', 'ok', 'https://[2a00:1450:4001:81c::200e]/'],
  ['https://[2003::1]/', 'ok'],
  // just outside each range boundary
  ['https://9.255.255.255/', 'ok'],
  ['https://11.0.0.0/', 'ok'],
  ['https://1.0.0.0/', 'ok'],
  ['https://100.63.255.255/', 'ok'],
  ['https://100.128.0.0/', 'ok'],
  ['https://126.255.255.255/', 'ok'],
  ['https://128.0.0.0/', 'ok'],
  ['https://169.253.255.255/', 'ok'],
  ['https://169.255.0.0/', 'ok'],
  ['https://172.15.255.255/', 'ok'],
  ['https://172.32.0.0/', 'ok'],
  ['https://191.255.255.255/', 'ok'],
  ['https://192.0.1.255/', 'ok'],
  ['https://192.0.3.0/', 'ok'],
  ['https://192.31.195.255/', 'ok'],
  ['https://192.31.197.0/', 'ok'],
  ['https://192.52.192.255/', 'ok'],
  ['https://192.52.194.0/', 'ok'],
  ['https://192.88.98.255/', 'ok'],
  ['https://192.88.100.0/', 'ok'],
  ['https://192.167.255.255/', 'ok'],
  ['https://192.169.0.0/', 'ok'],
  ['https://192.175.47.255/', 'ok'],
  ['https://192.175.49.0/', 'ok'],
  ['https://198.17.255.255/', 'ok'],
  ['https://198.20.0.0/', 'ok'],
  ['https://198.51.99.255/', 'ok'],
  ['https://198.51.101.0/', 'ok'],
  ['https://203.0.112.255/', 'ok'],
  ['https://203.0.114.0/', 'ok'],
  ['https://223.255.255.255/', 'ok'],
  ['https://168.63.129.15/', 'ok'],
  ['https://168.63.129.17/', 'ok'],
  ['https://[2001:200::]/', 'ok'],
  ['https://[2001:db7:ffff:ffff:ffff:ffff:ffff:ffff]/', 'ok'],
  ['https://[2001:db9::]/', 'ok'],
  ['https://[2003::]/', 'ok'],
  ['https://[2620:4f:7fff:ffff::]/', 'ok'],
  ['https://[2620:4f:8001::]/', 'ok'],
  ['https://[3ffe::1]/', 'ok'],
  ['https://[3fff:1000::]/', 'ok'],
  ['https://[2001:1:0:0:0:0:0:4]/', 'ip_not_public'],
  // look-alikes of blocked names, which are public
  ['https://localhost.acme-corp.com/', 'ok'],
  ['https://mylocalhost.net/', 'ok'],
  ['https://local.acme-corp.com/', 'ok'],
  ['https://internal.io/', 'ok'],
  ['https://app.internal-tools.com/', 'ok'],
  ['https://corp.com/', 'ok'],
  ['https://test.com/', 'ok'],
  ['https://example.com/', 'ok'],
  ['https://your-app.example.com/anchor/webhooks', 'ok'],
  ['https://onion.news/', 'ok'],
  ['https://arpa.org/', 'ok'],
  ['https://lan.party.de/', 'ok'],
  ['https://metadata.google.com/', 'ok'],
  ['https://metadata.acme-corp.com/', 'ok'],
  ['https://instance-data.com/', 'ok'],
  ['https://kubernetes.io/', 'ok'],
  ['https://notamazonaws.com/', 'ok'],
  ['https://amazonaws.com/', 'ok'],
  ['https://sts.amazonaws.com.evil-corp.net/', 'ok'],
  ['https://sts-amazonaws.com/', 'ok'],
  ['https://sts.amazonaws.co/', 'ok'],
  ['https://mysts.us-east-1.amazonaws.com/', 'ok'],
  ['https://sts2.amazonaws.com/', 'ok'],
  ['https://sts.example-aws.com/', 'ok'],
  ['https://iam.acme-corp.com/', 'ok'],
  ['https://eks.acme-corp.io/', 'ok'],
  ['https://eks-dashboard.acme-corp.io/', 'ok'],
  ['https://sts.us-east-1.amazonaws.com.cn.mirror-site.net/', 'ok'],
  ['https://iamaws.com/', 'ok'],
  ['https://hooks.acme-corp.com/path@x', 'ok'],
  ['https://hooks.acme-corp.com/?email=a@b.com', 'ok'],
  ['https://hooks.acme-corp.com/#@evil.com', 'ok'],

  // --- every IPv4 notation the WHATWG parser accepts, all meaning 127.0.0.1 ---
  ['https://127.0.0.1/', 'ip_not_public'],
  ['https://127.1/', 'ip_not_public'],
  ['https://127.0.1/', 'ip_not_public'],
  ['https://2130706433/', 'ip_not_public'],
  ['https://0x7f000001/', 'ip_not_public'],
  ['https://0X7F000001/', 'ip_not_public'],
  ['https://0x7f.1/', 'ip_not_public'],
  ['https://0x7F.0x0.0x0.0x1/', 'ip_not_public'],
  ['https://017700000001/', 'ip_not_public'],
  ['https://0177.0.0.1/', 'ip_not_public'],
  ['https://0177.0000.0000.0001/', 'ip_not_public'],
  ['https://00000177.0.0.1/', 'ip_not_public'],
  ['https://127.000.000.001/', 'ip_not_public'],
  ['https://127.0.0.1./', 'ip_not_public'],
  ['https://127.0.0.1:8443/hook', 'ip_not_public'],
  ['https://%31%32%37.0.0.1/', 'ip_not_public'],
  ['https://１２７.０.０.１/', 'ip_not_public'],
  ['https://127.0.0.255/', 'ip_not_public'],
  ['https://167772161/', 'ip_not_public'],
  ['https://0xa000001/', 'ip_not_public'],
  ['https://012.0.0.1/', 'ip_not_public'],
  ['https://10.1/', 'ip_not_public'],
  ['https://192.168.257/', 'ip_not_public'],
  ['https://3232235777/', 'ip_not_public'],
  ['https://0xc0.0xa8.1.1/', 'ip_not_public'],
  ['https://0/', 'ip_not_public'],
  ['https://0x0/', 'ip_not_public'],
  ['https://0.0.0.0/', 'ip_not_public'],
  ['https://4294967295/', 'ip_not_public'],
  ['https://0xffffffff/', 'ip_not_public'],
  ['https://4294967296/', 'invalid_url'],
  ['https://256.0.0.1/', 'invalid_url'],
  ['https://1.2.3.4.5/', 'invalid_url'],
  ['https://09.0.0.1/', 'invalid_url'],
  ['https://0x100000000/', 'invalid_url'],

  // --- IPv6 forms ---
  ['https://[::1]/', 'ip_not_public'],
  ['https://[0:0:0:0:0:0:0:1]/', 'ip_not_public'],
  ['https://[0000:0000:0000:0000:0000:0000:0000:0001]/', 'ip_not_public'],
  ['https://[::1]:8443/', 'ip_not_public'],
  ['https://[::]/', 'ip_not_public'],
  ['https://[fe80::1%25eth0]/', 'invalid_url'],
  ['https://[fe80::1%eth0]/', 'invalid_url'],
  ['https://[::1', 'invalid_url'],
  ['https://[::ffff:127.0.0.1]/', 'ip_not_public'],
  ['https://[::ffff:7f00:1]/', 'ip_not_public'],
  ['https://[::FFFF:7F00:1]/', 'ip_not_public'],
  ['https://[0:0:0:0:0:ffff:7f00:1]/', 'ip_not_public'],
  ['https://[::ffff:10.0.0.1]/', 'ip_not_public'],
  ['https://[::ffff:192.168.1.1]/', 'ip_not_public'],
  ['https://[::ffff:8.8.8.8]/', 'ip_not_public'],
  ['https://[::ffff:808:808]/', 'ip_not_public'],
  ['https://[::ffff:169.254.169.254]/', 'cloud_metadata'],
  ['https://[::ffff:a9fe:a9fe]/', 'cloud_metadata'],
  ['https://[::ffff:168.63.129.16]/', 'cloud_metadata'],
  ['https://[::ffff:0:127.0.0.1]/', 'ip_not_public'],
  ['https://[::127.0.0.1]/', 'ip_not_public'],
  ['https://[::7f00:1]/', 'ip_not_public'],
  ['https://[::10.0.0.1]/', 'ip_not_public'],
  ['https://[::8.8.8.8]/', 'ip_not_public'],
  ['https://[::169.254.169.254]/', 'cloud_metadata'],
  ['https://[64:ff9b::127.0.0.1]/', 'ip_not_public'],
  ['https://[64:ff9b::7f00:1]/', 'ip_not_public'],
  ['https://[64:ff9b::8.8.8.8]/', 'ip_not_public'],
  ['https://[64:ff9b::169.254.169.254]/', 'cloud_metadata'],
  ['https://[64:ff9b::a9fe:a9fe]/', 'cloud_metadata'],
  ['https://[64:ff9b:1::7f00:1]/', 'ip_not_public'],
  ['https://[64:ff9b:1::a9fe:a9fe]/', 'cloud_metadata'],
  ['https://[64:ff9b:1:a9fe:a9:fe00::]/', 'cloud_metadata'],
  ['https://[64:ff9b:1:808:8:800::]/', 'ip_not_public'],
  ['https://[2002:7f00:1::]/', 'ip_not_public'],
  ['https://[2002:7f00:1::1]/', 'ip_not_public'],
  ['https://[2002:c0a8:101::1]/', 'ip_not_public'],
  ['https://[2002:808:808::1]/', 'ip_not_public'],
  ['https://[2002:a9fe:a9fe::]/', 'cloud_metadata'],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'ip_not_public'],
  ['https://[2001:0:4136:e378:8000:63bf:5601:5601]/', 'cloud_metadata'],
  ['https://[2001::80ff:fffe]/', 'ip_not_public'],
  ['https://[2001:0:808:808::f7f7:f7f7]/', 'ip_not_public'],
  ['https://[fd00::1]/', 'ip_not_public'],
  ['https://[fc00::]/', 'ip_not_public'],
  ['https://[fd12:3456:789a:1::1]/', 'ip_not_public'],
  ['https://[fe80::1]/', 'ip_not_public'],
  ['https://[FE80::1]/', 'ip_not_public'],
  ['https://[febf:ffff::1]/', 'ip_not_public'],
  ['https://[fec0::1]/', 'ip_not_public'],
  ['https://[ff02::1]/', 'ip_not_public'],
  ['https://[ff05::1:3]/', 'ip_not_public'],
  ['https://[2001:db8::1]/', 'ip_not_public'],
  ['https://[2001:DB8:85A3::8A2E:370:7334]/', 'ip_not_public'],
  ['https://[3fff::1]/', 'ip_not_public'],
  ['https://[100::1]/', 'ip_not_public'],

  // --- cloud metadata, by address and by name ---
  ['https://169.254.169.254/', 'cloud_metadata'],
  ['https://169.254.169.254/latest/meta-data/iam/security-credentials/', 'cloud_metadata'],
  ['https://169.254.169.254:443/computeMetadata/v1/', 'cloud_metadata'],
  ['https://2852039166/', 'cloud_metadata'],
  ['https://0xa9fea9fe/', 'cloud_metadata'],
  ['https://0251.0376.0251.0376/', 'cloud_metadata'],
  ['https://169.254.43518/', 'cloud_metadata'],
  ['https://0xa9.0xfe.0xa9.0xfe/', 'cloud_metadata'],
  ['https://[fd00:ec2::254]/', 'cloud_metadata'],
  ['https://[fd00:ec2:0:0:0:0:0:254]/', 'cloud_metadata'],
  ['https://[fd00:ec2::23]/', 'cloud_metadata'],
  ['https://169.254.170.2/v2/credentials', 'cloud_metadata'],
  ['https://169.254.170.23/', 'cloud_metadata'],
  ['https://168.63.129.16/', 'cloud_metadata'],
  ['https://168.63.129.16:32526/', 'cloud_metadata'],
  ['https://100.100.100.200/latest/meta-data/', 'cloud_metadata'],
  ['https://192.0.0.192/', 'cloud_metadata'],
  ['https://169.254.0.23/', 'cloud_metadata'],
  ['https://169.254.42.42/conf', 'cloud_metadata'],
  ['https://[fd00:42::42]/', 'cloud_metadata'],
  ['https://[fe80::a9fe:a9fe]/', 'cloud_metadata'],
  ['https://metadata.google.internal/computeMetadata/v1/', 'cloud_metadata'],
  ['https://METADATA.GOOGLE.INTERNAL/', 'cloud_metadata'],
  ['https://metadata.google.internal./', 'cloud_metadata'],
  ['https://metadata/', 'cloud_metadata'],
  ['https://metadata./', 'cloud_metadata'],
  ['https://metadata.goog/', 'cloud_metadata'],
  ['https://instance-data/', 'cloud_metadata'],
  ['https://instance-data.ec2.internal/', 'cloud_metadata'],
  ['https://instance-data.us-west-2.compute.internal/', 'cloud_metadata'],
  ['https://metadata.tencentyun.com/', 'cloud_metadata'],
  ['https://api.metadata.cloud.ibm.com/', 'cloud_metadata'],
  ['https://metadata.platformequinix.com/metadata', 'cloud_metadata'],
  ['https://metadata.packet.net/', 'cloud_metadata'],
  ['https://kubernetes/', 'cloud_metadata'],
  ['https://kubernetes.default/', 'cloud_metadata'],
  ['https://kubernetes.default.svc/', 'cloud_metadata'],
  ['https://kubernetes.default.svc.cluster.local/', 'cloud_metadata'],
  ['https://Kubernetes.Default.Svc.Cluster.Local./api', 'cloud_metadata'],
  ['https://kubernetes.default.svc.prod.example-cluster/', 'cloud_metadata'],

  // --- localhost and internal-only or special-use names ---
  ['https://localhost/', 'internal_hostname'],
  ['https://LOCALHOST/', 'internal_hostname'],
  ['https://localhost./', 'internal_hostname'],
  ['https://localhost:8443/', 'internal_hostname'],
  ['https://localhost。/', 'internal_hostname'],
  ['https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', 'internal_hostname'],
  ['https://%6c%6f%63%61%6c%68%6f%73%74/', 'internal_hostname'],
  ['https://app.localhost/', 'internal_hostname'],
  ['https://a.b.localhost./', 'internal_hostname'],
  ['https://localhost.localdomain/', 'internal_hostname'],
  ['https://ip6-localhost/', 'internal_hostname'],
  ['https://ip6-loopback/', 'internal_hostname'],
  ['https://printer.local/', 'internal_hostname'],
  ['https://NAS.Local./', 'internal_hostname'],
  ['https://app.internal/', 'internal_hostname'],
  ['https://host.docker.internal/', 'internal_hostname'],
  ['https://router.home.arpa/', 'internal_hostname'],
  ['https://1.0.0.127.in-addr.arpa/', 'internal_hostname'],
  ['https://1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa/', 'internal_hostname'],
  ['https://ipv4only.arpa/', 'internal_hostname'],
  ['https://nas.lan/', 'internal_hostname'],
  ['https://mail.corp/', 'internal_hostname'],
  ['https://wiki.intranet/', 'internal_hostname'],
  ['https://db.private/', 'internal_hostname'],
  ['https://app.test/', 'internal_hostname'],
  ['https://APP.TEST./', 'internal_hostname'],
  ['https://foo.invalid/', 'internal_hostname'],
  ['https://www.example/', 'internal_hostname'],
  ['https://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/', 'internal_hostname'],
  ['https://box.localdomain/', 'internal_hostname'],
  ['https://router.home/', 'internal_hostname'],
  ['https://anything.alt/', 'internal_hostname'],
  ['https://web.default.svc/', 'internal_hostname'],
  ['https://web.default.svc.cluster.local/', 'internal_hostname'],
  ['https://web.service.consul/', 'internal_hostname'],
  ['https://a.测试/', 'internal_hostname'],
  ['https://例え.テスト/', 'internal_hostname'],
  ['https://intranet/', 'internal_hostname'],
  ['https://server/', 'internal_hostname'],
  ['https://router./', 'internal_hostname'],
  ['https:///server/x', 'internal_hostname'],

  // --- AWS STS, IAM and EKS endpoints ---
  ['https://sts.amazonaws.com/', 'aws_control_plane'],
  ['https://STS.AMAZONAWS.COM/', 'aws_control_plane'],
  ['https://sts.amazonaws.com./', 'aws_control_plane'],
  ['https://sts.amazonaws.com:443/?Action=GetCallerIdentity', 'aws_control_plane'],
  ['https://sts.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.eu-west-3.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.ap-southeast-4.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.il-central-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.mx-central-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.ca-west-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts-fips.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts-fips.us-west-2.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.us-east-1.api.aws/', 'aws_control_plane'],
  ['https://sts-fips.us-east-2.api.aws/', 'aws_control_plane'],
  ['https://sts.dualstack.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.cn-north-1.amazonaws.com.cn/', 'aws_control_plane'],
  ['https://sts.cn-northwest-1.amazonaws.com.cn/', 'aws_control_plane'],
  ['https://sts.cn-north-1.api.amazonwebservices.com.cn/', 'aws_control_plane'],
  ['https://sts.us-gov-west-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.us-gov-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts-fips.us-gov-west-1.amazonaws.com/', 'aws_control_plane'],
  ['https://sts.us-iso-east-1.c2s.ic.gov/', 'aws_control_plane'],
  ['https://sts.us-isob-east-1.sc2s.sgov.gov/', 'aws_control_plane'],
  ['https://sts.eusc-de-east-1.amazonaws.eu/', 'aws_control_plane'],
  ['https://vpce-0123456789abcdef0-abcdefgh.sts.us-east-1.vpce.amazonaws.com/', 'aws_control_plane'],
  ['https://iam.amazonaws.com/', 'aws_control_plane'],
  ['https://iam-fips.amazonaws.com/', 'aws_control_plane'],
  ['https://iam.us-gov.amazonaws.com/', 'aws_control_plane'],
  ['https://iam.cn-north-1.amazonaws.com.cn/', 'aws_control_plane'],
  ['https://iam.global.api.aws/', 'aws_control_plane'],
  ['https://iam.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://eks.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://eks-fips.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://eks.us-east-1.api.aws/', 'aws_control_plane'],
  ['https://eks.cn-north-1.amazonaws.com.cn/', 'aws_control_plane'],
  ['https://eks.us-gov-west-1.amazonaws.com/', 'aws_control_plane'],
  ['https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com/', 'aws_control_plane'],
  ['https://abcdef.yl4.us-east-1.eks.amazonaws.com/', 'aws_control_plane'],
  ['https://abcdef.sk1.cn-north-1.eks.amazonaws.com.cn/', 'aws_control_plane'],
  ['https://oidc.eks.us-east-1.amazonaws.com/id/ABC', 'aws_control_plane'],
  ['https://oidc.eks.us-east-1.api.aws/id/ABC', 'aws_control_plane'],
  ['https://eks-auth.us-east-1.api.aws/', 'aws_control_plane'],
  ['https://rolesanywhere.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://portal.sso.us-east-1.amazonaws.com/', 'aws_control_plane'],
  ['https://oidc.us-east-1.amazonaws.com/', 'aws_control_plane'],

  // --- credentials, even empty ones ---
  ['https://user@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://user:pass@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://:@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://:pass@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://user:@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://a%40b@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://hooks.acme-corp.com@evil-corp.net/', 'credentials_in_url'],
  ['https://user@hooks.acme-corp.com@evil-corp.net/', 'credentials_in_url'],
  ['https://user@8.8.8.8/', 'credentials_in_url'],
  ['https://user@127.0.0.1/', 'credentials_in_url'],
  ['https://@localhost/', 'credentials_in_url'],
  ['https:\\\\@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https:/\\@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https:@hooks.acme-corp.com/', 'credentials_in_url'],
  [' https://@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://\t@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://us\ner@hooks.acme-corp.com/', 'credentials_in_url'],
  ['https://@@hooks.acme-corp.com/', 'credentials_in_url'],

  // --- scheme ---
  ['http://hooks.acme-corp.com/', 'scheme_not_https'],
  ['HTTP://hooks.acme-corp.com/', 'scheme_not_https'],
  ['http://8.8.8.8/', 'scheme_not_https'],
  ['ftp://hooks.acme-corp.com/', 'scheme_not_https'],
  ['ftp://user@hooks.acme-corp.com/', 'scheme_not_https'],
  ['ws://hooks.acme-corp.com/', 'scheme_not_https'],
  ['wss://hooks.acme-corp.com/', 'scheme_not_https'],
  ['file:///etc/passwd', 'scheme_not_https'],
  ['gopher://hooks.acme-corp.com:70/_x', 'scheme_not_https'],
  ['dict://hooks.acme-corp.com:11211/stat', 'scheme_not_https'],
  ['ldap://hooks.acme-corp.com/', 'scheme_not_https'],
  ['javascript:alert(1)', 'scheme_not_https'],
  ['data:text/plain,hello', 'scheme_not_https'],
  ['mailto:ops@acme-corp.com', 'scheme_not_https'],
  ['httpss://hooks.acme-corp.com/', 'scheme_not_https'],
  ['blob:https://hooks.acme-corp.com/uuid', 'scheme_not_https'],

  // --- length and syntax ---
  [long(2048), 'ok', long(2048)],
  [long(2047), 'ok'],
  [long(2049), 'url_too_long'],
  [long(5000), 'url_too_long'],
  [long(2000, 'https://hooks.acme-corp.com/' + ' '.repeat(100)), 'url_too_long'],
  ['', 'invalid_url'],
  ['a', 'invalid_url'],
  ['hooks.acme-corp.com/x', 'invalid_url'],
  ['/relative/path', 'invalid_url'],
  ['https://', 'invalid_url'],
  ['https://exa mple.com/', 'invalid_url'],
  // Ports: 1 to 65535, nothing else restricted; a port past 65535 names its rule rather than `invalid_url`.
  ['https://hooks.acme-corp.com:99999/', 'port_not_allowed'],
  ['https://hooks.acme-corp.com:65536/', 'port_not_allowed'],
  ['https://hooks.acme-corp.com:0/', 'port_not_allowed'],
  ['https://hooks.acme-corp.com:0000/', 'port_not_allowed'],
  ['https://8.8.8.8:0/', 'port_not_allowed'],
  ['https://[2606:4700:4700::1111]:0/', 'port_not_allowed'],
  ['https://[2606:4700:4700::1111]:65536/', 'port_not_allowed'],
  ['https://hooks.acme-corp.com:1/', 'ok', 'https://hooks.acme-corp.com:1/'],
  ['https://hooks.acme-corp.com:65535/', 'ok', 'https://hooks.acme-corp.com:65535/'],
  ['https://hooks.acme-corp.com:00443/x', 'ok', 'https://hooks.acme-corp.com/x'],
  ['https://hooks.acme-corp.com:22/', 'ok'],
  ['https://exa mple.com:99999/', 'invalid_url'],
  ['https://hooks.acme-corp.com:99999x/', 'invalid_url'],
  ['https://user:pw@hooks.acme-corp.com:0/', 'credentials_in_url'],
  ['https://hooks.acme-corp.com:-1/', 'invalid_url'],
  ['https://[g::1]/', 'invalid_url'],

  // --- host names resolved through the stub ---
  ['https://db.corp-dns.net/', 'resolves_to_blocked_ip'],
  ['https://127.0.0.1.nip.io/', 'resolves_to_blocked_ip'],
  ['https://localtest.me/', 'resolves_to_blocked_ip'],
  ['https://mixed.acme-corp.com/', 'resolves_to_blocked_ip'],
  ['https://mixed6.acme-corp.com/', 'resolves_to_blocked_ip'],
  ['https://rebind.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://wire.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://imds6.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://alibaba.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://ula.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://mapped.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://mapped-dotted.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://nat64.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://zero.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://cgnat.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://linklocal6.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://loopback6.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://multicast.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://broadcast.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://benchmark.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://garbage.attacker-dns.net/', 'resolves_to_blocked_ip'],
  ['https://REBIND.Attacker-DNS.net./x', 'resolves_to_blocked_ip'],
  ['https://nxdomain.acme-corp.com/', 'dns_resolution_failed'],
  ['https://servfail.acme-corp.com/', 'dns_resolution_failed'],
  ['https://empty.acme-corp.com/', 'dns_resolution_failed'],
];
// Every special-purpose range: first, middle and last address (unless already a row above).
const seen = new Set(literalRows.map(([url]) => url));
const table: Row[] = [...literalRows, ...rangeRows.filter(([url]) => !seen.has(url) && Boolean(seen.add(url)))];

/** Test names stay readable for the long-URL rows. */
const title = (url: string) => (url.length > 120 ? `${JSON.stringify(url.slice(0, 40))}… (${url.length} characters)` : JSON.stringify(url));

/** Rules decided before DNS is asked; the others need exactly one lookup. */
const STATIC_RULES = new Set<UrlRule | 'ok'>([
  'invalid_url', 'url_too_long', 'scheme_not_https', 'credentials_in_url', 'ip_not_public', 'cloud_metadata',
  'internal_hostname', 'aws_control_plane', 'port_not_allowed',
]);

function expectedLookups(url: string, expected: UrlRule | 'ok'): string[] {
  if (STATIC_RULES.has(expected)) return [];
  const host = new URL(url).hostname;
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) return [];
  return [host.replace(/\.$/, '')];
}

describe('checkWebhookUrl: the URL table', () => {
  it('has several hundred rows, no duplicates', () => {
    expect(table.length).toBeGreaterThanOrEqual(300);
    expect(new Set(table.map(([url]) => url)).size).toBe(table.length);
  });

  it.each(table.map(([url, expected, normalised]) => [title(url), expected, url, normalised] as const))('%s → %s', async (_title, expected, url, normalised) => {
    const { resolver, calls } = stubResolver();
    const verdict = await checkWebhookUrl(url, { resolver, allowPrivateTargets: false });
    if (expected === 'ok') {
      expect(verdict).toMatchObject({ ok: true });
      if (normalised !== undefined) expect(verdict).toEqual({ ok: true, url: normalised });
    } else {
      expect(verdict).toMatchObject({ ok: false, rule: expected });
      if (!verdict.ok) expect(verdict.detail).toMatch(/^\S.*[^.]$/s);
    }
    expect(calls).toEqual(expectedLookups(url, expected));
  });
});

describe('checkWebhookUrl: details name the offending part', () => {
  const details: [url: string, detail: string][] = [
    ['https://10.0.0.5/', '10.0.0.5 is in 10.0.0.0/8 (Private-Use)'],
    ['https://127.1/', '127.0.0.1 is in 127.0.0.0/8 (Loopback)'],
    ['https://0/', '0.0.0.0 is in 0.0.0.0/32 ("This host on this network")'],
    ['https://100.64.1.1/', '100.64.1.1 is in 100.64.0.0/10 (Shared Address Space)'],
    ['https://192.0.0.9/', '192.0.0.9 is in 192.0.0.9/32 (Port Control Protocol Anycast)'],
    ['https://198.19.0.1/', '198.19.0.1 is in 198.18.0.0/15 (Benchmarking)'],
    ['https://239.1.2.3/', '239.1.2.3 is in 224.0.0.0/4 (Multicast)'],
    ['https://[::1]/', '::1 is in ::1/128 (Loopback Address)'],
    ['https://[2001:db8::1]/', '2001:db8::1 is in 2001:db8::/32 (Documentation)'],
    ['https://[2001:2::1]/', '2001:2::1 is in 2001:2::/48 (Benchmarking)'],
    ['https://[fd00::1]/', 'fd00::1 is in fc00::/7 (Unique-Local)'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1 embeds IPv4 127.0.0.1, which is in 127.0.0.0/8 (Loopback)'],
    [
      'https://[::ffff:8.8.8.8]/',
      '::ffff:808:808 is in ::ffff:0:0/96 (IPv4-mapped Address), which is refused whatever IPv4 address it carries',
    ],
    ['https://[2002:c0a8:101::1]/', '2002:c0a8:101::1 embeds IPv4 192.168.1.1, which is in 192.168.0.0/16 (Private-Use)'],
    ['https://168.63.129.16/', '168.63.129.16 is the Azure WireServer host endpoint'],
    ['https://[fd00:ec2::254]/', 'fd00:ec2::254 is the AWS instance metadata service (IPv6)'],
    ['https://metadata.google.internal./', 'metadata.google.internal is the GCP metadata server'],
    ['https://router.home.arpa/', 'router.home.arpa ends in .home.arpa, the residential home network domain (RFC 8375)'],
    ['https://LocalHost./', 'localhost is the loopback name (RFC 6761)'],
    ['https://sts.us-gov-west-1.amazonaws.com/', 'sts.us-gov-west-1.amazonaws.com is an AWS STS, IAM or EKS endpoint'],
    ['https://db.corp-dns.net/', 'db.corp-dns.net resolves to 10.0.0.5, which is in 10.0.0.0/8 (Private-Use)'],
    ['https://mixed6.acme-corp.com/', 'mixed6.acme-corp.com resolves to fd12:3456::1, which is in fc00::/7 (Unique-Local)'],
    ['https://nxdomain.acme-corp.com/', 'nxdomain.acme-corp.com could not be resolved (ENOTFOUND)'],
    ['ftp://hooks.acme-corp.com/', 'the scheme is ftp: but only https: is allowed'],
    [long(2049), 'the URL is 2049 characters long; the limit is 2048'],
    ['https://hooks.acme-corp.com:0/', 'the port is 0, which is reserved and cannot be connected to; it must be from 1 to 65535'],
    ['https://hooks.acme-corp.com:065536/', 'the port is 65536; it must be from 1 to 65535'],
  ];
  it.each(details.map((row) => [title(row[0]), ...row] as const))('%s', async (_title, url, detail) => {
    const verdict = await checkWebhookUrl(url, { resolver: stubResolver().resolver, allowPrivateTargets: false });
    expect(verdict).toMatchObject({ ok: false, detail });
  });

  it('never repeats the credentials it rejects', async () => {
    const verdict = await checkWebhookUrl('https://admin:hunter2@hooks.acme-corp.com/', {
      resolver: stubResolver().resolver,
      allowPrivateTargets: false,
    });
    expect(verdict).toMatchObject({ ok: false, rule: 'credentials_in_url' });
    expect(JSON.stringify(verdict)).not.toMatch(/admin|hunter2/);
  });
});

describe('checkWebhookUrl: the resolver', () => {
  it('is asked once, for the lowercase punycode name without the root dot', async () => {
    const { resolver, calls } = stubResolver();
    await checkWebhookUrl('https://Hooks.BÜCHER.de./x', { resolver, allowPrivateTargets: false });
    expect(calls).toEqual(['hooks.xn--bcher-kva.de']);
  });

  it('is not asked for IP literals or names refused by a name rule', async () => {
    const { resolver, calls } = stubResolver();
    for (const url of ['https://8.8.8.8/', 'https://[2606:4700:4700::1111]/', 'https://localhost/', 'https://sts.amazonaws.com/']) {
      await checkWebhookUrl(url, { resolver, allowPrivateTargets: false });
    }
    expect(calls).toEqual([]);
  });

  it('has every returned address checked, not just the first', async () => {
    const answers = [v4('8.8.8.8'), v4('1.1.1.1'), v6('2606:4700:4700::1111'), v4('172.20.0.1')];
    const verdict = await checkWebhookUrl('https://many.acme-corp.com/', { resolver: async () => answers, allowPrivateTargets: false });
    expect(verdict).toEqual({
      ok: false,
      rule: 'resolves_to_blocked_ip',
      detail: 'many.acme-corp.com resolves to 172.20.0.1, which is in 172.16.0.0/12 (Private-Use)',
    });
  });

  it('systemResolver asks the OS resolver for every address, verbatim', async () => {
    const lookup = vi.spyOn(dns.promises, 'lookup').mockResolvedValueOnce([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '1.1.1.1', family: 4 },
    ] as never);
    syncBuiltinESMExports();
    expect(await systemResolver('one.one.one.one')).toEqual([v6('2606:4700:4700::1111'), v4('1.1.1.1')]);
    expect(lookup).toHaveBeenLastCalledWith('one.one.one.one', { all: true, verbatim: true });
  });
});

describe('checkWebhookUrl: allowPrivateTargets (local testing only)', () => {
  // [url, with the default policy, with ANCHOR_ALLOW_PRIVATE_TARGETS=1]
  const matrix: [url: string, strict: UrlRule | 'ok', relaxed: UrlRule | 'ok'][] = [
    ['http://localhost:3000/hooks', 'scheme_not_https', 'ok'],
    ['https://localhost/', 'internal_hostname', 'ok'],
    ['http://127.0.0.1:3000/', 'scheme_not_https', 'ok'],
    ['https://127.0.0.1/', 'ip_not_public', 'ok'],
    ['http://[::1]:3000/', 'scheme_not_https', 'ok'],
    ['https://10.0.0.5/', 'ip_not_public', 'ok'],
    ['https://172.16.0.1/', 'ip_not_public', 'ok'],
    ['https://192.168.1.10/', 'ip_not_public', 'ok'],
    ['https://100.64.0.1/', 'ip_not_public', 'ok'],
    ['https://169.254.1.1/', 'ip_not_public', 'ok'],
    ['https://[fd12::1]/', 'ip_not_public', 'ok'],
    ['https://[fe80::1]/', 'ip_not_public', 'ok'],
    ['https://[::ffff:127.0.0.1]/', 'ip_not_public', 'ok'],
    ['https://[::ffff:8.8.8.8]/', 'ip_not_public', 'ok'],
    ['https://printer.local/', 'internal_hostname', 'ok'],
    ['https://app.internal/', 'internal_hostname', 'ok'],
    ['https://server/', 'internal_hostname', 'ok'],
    ['https://db.corp-dns.net/', 'resolves_to_blocked_ip', 'ok'],
    ['https://localtest.me/', 'resolves_to_blocked_ip', 'ok'],
    ['http://hooks.acme-corp.com/', 'scheme_not_https', 'ok'],
    ['https://hooks.acme-corp.com/', 'ok', 'ok'],
    // not local targets: still refused
    ['https://[::ffff:240.0.0.1]/', 'ip_not_public', 'ip_not_public'],
    ['https://[64:ff9b::7f00:1]/', 'ip_not_public', 'ip_not_public'],
    ['https://[2002:7f00:1::]/', 'ip_not_public', 'ip_not_public'],
    ['https://[2001::80ff:fffe]/', 'ip_not_public', 'ip_not_public'],
    ['https://0.0.0.0/', 'ip_not_public', 'ip_not_public'],
    ['https://[::]/', 'ip_not_public', 'ip_not_public'],
    ['https://224.0.0.1/', 'ip_not_public', 'ip_not_public'],
    ['https://255.255.255.255/', 'ip_not_public', 'ip_not_public'],
    ['https://192.0.2.1/', 'ip_not_public', 'ip_not_public'],
    ['https://[2001:db8::1]/', 'ip_not_public', 'ip_not_public'],
    ['https://zero.attacker-dns.net/', 'resolves_to_blocked_ip', 'resolves_to_blocked_ip'],
    // cloud metadata and AWS credentials stay refused: the switch is for local receivers
    ['https://169.254.169.254/', 'cloud_metadata', 'cloud_metadata'],
    ['http://169.254.169.254/latest/meta-data/', 'scheme_not_https', 'cloud_metadata'],
    ['http://[fd00:ec2::254]/', 'scheme_not_https', 'cloud_metadata'],
    ['http://[::ffff:169.254.169.254]/', 'scheme_not_https', 'cloud_metadata'],
    ['http://100.100.100.200/', 'scheme_not_https', 'cloud_metadata'],
    ['http://metadata.google.internal/', 'scheme_not_https', 'cloud_metadata'],
    ['http://metadata/', 'scheme_not_https', 'cloud_metadata'],
    ['http://kubernetes.default.svc/', 'scheme_not_https', 'cloud_metadata'],
    ['https://rebind.attacker-dns.net/', 'resolves_to_blocked_ip', 'resolves_to_blocked_ip'],
    ['http://sts.amazonaws.com/', 'scheme_not_https', 'aws_control_plane'],
    // credentials, other schemes and length are never relaxed
    ['http://user:pw@localhost:3000/', 'scheme_not_https', 'credentials_in_url'],
    ['http://@localhost:3000/', 'scheme_not_https', 'credentials_in_url'],
    ['https://user:pw@localhost:3000/', 'credentials_in_url', 'credentials_in_url'],
    ['https://@127.0.0.1:3000/', 'credentials_in_url', 'credentials_in_url'],
    ['ftp://localhost/', 'scheme_not_https', 'scheme_not_https'],
    ['ws://localhost:3000/', 'scheme_not_https', 'scheme_not_https'],
    ['file:///etc/passwd', 'scheme_not_https', 'scheme_not_https'],
    [long(2049, 'http://localhost:3000/'), 'url_too_long', 'url_too_long'],
    ['https://nxdomain.acme-corp.com/', 'dns_resolution_failed', 'dns_resolution_failed'],
  ];

  it.each(matrix.map(([url, strict, relaxed]) => [title(url), strict, relaxed, url] as const))('%s → %s, relaxed → %s', async (_title, strict, relaxed, url) => {
    for (const [allowPrivateTargets, expected] of [[false, strict], [true, relaxed]] as const) {
      const verdict = await checkWebhookUrl(url, { resolver: stubResolver().resolver, allowPrivateTargets });
      expect(verdict, `allowPrivateTargets: ${allowPrivateTargets}`).toMatchObject(
        expected === 'ok' ? { ok: true } : { ok: false, rule: expected },
      );
    }
  });

  it('returns the normalised http: URL for a local receiver', async () => {
    const verdict = await checkWebhookUrl('HTTP://LocalHost:3000/Hooks', { resolver: stubResolver().resolver, allowPrivateTargets: true });
    expect(verdict).toEqual({ ok: true, url: 'http://localhost:3000/Hooks' });
  });
});

describe('the network guard', () => {
  it('saw no DNS lookup or socket connection from any test above', () => {
    expect(networkTouches).toEqual([]);
  });
});
