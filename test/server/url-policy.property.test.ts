import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, type ResolvedAddress, type Resolver } from '../../server/url-policy/index.js';

// The oracle: the IANA special-purpose ranges written out again here, with plain
// BigInt arithmetic, so the policy's own data and ipaddr.js are not checking themselves.
const V4_BLOCKED = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.88.99.0/24', '192.168.0.0/16', '192.175.48.0/24',
  '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32',
];
// Public space that is nonetheless a metadata endpoint.
const V4_PUBLIC_METADATA = ['168.63.129.16'];
const V6_BLOCKED = [
  '::/8', '100::/8', '200::/7', '400::/6', '800::/5', '1000::/4', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48',
  '2001::/23', '2001:db8::/32', '2002::/16', '2620:4f:8000::/48', '3fff::/20',
  // everything outside 2000::/3 (global unicast) is reserved, unique-local, link-local or multicast
  '4000::/2', '8000::/1',
];

type Cidr = { base: bigint; bits: number; width: number };
const v4ToInt = (text: string) => text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
const intToV4 = (value: bigint) => [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
function v6ToInt(text: string): bigint {
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
const intToV6 = (value: bigint) => Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
function cidr(text: string): Cidr {
  const [base = '', bits = ''] = text.split('/');
  const v6 = base.includes(':');
  return { base: v6 ? v6ToInt(base) : v4ToInt(base), bits: Number(bits), width: v6 ? 128 : 32 };
}
const contains = (c: Cidr, n: bigint) => n >> BigInt(c.width - c.bits) === c.base >> BigInt(c.width - c.bits);
const V4_RANGES = V4_BLOCKED.map(cidr);
const V6_RANGES = V6_BLOCKED.map(cidr);

/** An address inside a range, from a random offset. */
const inside = (c: Cidr, offset: bigint) => c.base + (offset & ((1n << BigInt(c.width - c.bits)) - 1n));

/** Every IPv4 notation the WHATWG URL parser turns back into dotted decimal. */
const NOTATIONS: Record<string, (n: bigint) => string> = {
  dotted: intToV4,
  decimal: (n) => n.toString(),
  hex: (n) => `0x${n.toString(16)}`,
  octal: (n) => `0${n.toString(8)}`,
  'dotted-octal': (n) => intToV4(n).split('.').map((p) => `0${Number(p).toString(8)}`).join('.'),
  'dotted-hex': (n) => intToV4(n).split('.').map((p) => `0x${Number(p).toString(16)}`).join('.'),
  'three-part': (n) => `${n >> 24n}.${(n >> 16n) & 255n}.${n & 0xffffn}`,
  'two-part': (n) => `${n >> 24n}.${n & 0xffffffn}`,
  'trailing-dot': (n) => `${intToV4(n)}.`,
};
const notation = fc.constantFrom(...Object.keys(NOTATIONS));
const format = (name: string, n: bigint) => NOTATIONS[name]!(n);

const uint32 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n });
const uint128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const isPublicV4 = (n: bigint) => !V4_RANGES.some((c) => contains(c, n)) && !V4_PUBLIC_METADATA.includes(intToV4(n));
const isPublicV6 = (n: bigint) => !V6_RANGES.some((c) => contains(c, n));

const never: Resolver = async (hostname) => {
  throw new Error(`the resolver was asked for ${hostname} while checking an IP literal`);
};
const strict = { resolver: never, allowPrivateTargets: false };

const RUNS = { publicV4: 3000, blockedV4: 3000, publicV6: 1500, blockedV6: 1500, transition: 1000, resolved: 500 } as const;

describe('URL policy properties', () => {
  it(`public IPv4 addresses pass in every notation and normalise to dotted decimal (${RUNS.publicV4} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(uint32.filter(isPublicV4), notation, async (n, how) => {
        const verdict = await checkWebhookUrl(`https://${format(how, n)}/hook`, strict);
        expect(verdict).toEqual({ ok: true, url: `https://${intToV4(n)}/hook` });
      }),
      { numRuns: RUNS.publicV4 },
    );
  });

  it(`every address inside each IPv4 special-purpose range is refused, in every notation (${RUNS.blockedV4} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...V4_RANGES), uint32, notation, async (range, offset, how) => {
        const n = inside(range, offset);
        const verdict = await checkWebhookUrl(`https://${format(how, n)}/`, strict);
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) {
          expect(['ip_not_public', 'cloud_metadata']).toContain(verdict.rule);
          expect(verdict.detail.startsWith(intToV4(n))).toBe(true);
        }
      }),
      { numRuns: RUNS.blockedV4 },
    );
  });

  it(`public IPv6 addresses (2000::/3 outside every listed range) pass (${RUNS.publicV6} runs)`, async () => {
    const globalUnicast = uint128.map((n) => (n & ((1n << 125n) - 1n)) | (1n << 125n)); // 2000::/3
    await fc.assert(
      fc.asyncProperty(globalUnicast.filter(isPublicV6), fc.boolean(), async (n, upper) => {
        const text = upper ? intToV6(n).toUpperCase() : intToV6(n);
        const verdict = await checkWebhookUrl(`https://[${text}]/`, strict);
        expect(verdict).toEqual({ ok: true, url: new URL(`https://[${intToV6(n)}]/`).href });
      }),
      { numRuns: RUNS.publicV6 },
    );
  });

  it(`every address inside each IPv6 blocked range is refused (${RUNS.blockedV6} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...V6_RANGES, cidr('fc00::/7'), cidr('fe80::/10'), cidr('ff00::/8')), uint128, async (range, offset) => {
        const verdict = await checkWebhookUrl(`https://[${intToV6(inside(range, offset))}]/`, strict);
        expect(verdict).toMatchObject({ ok: false });
        if (!verdict.ok) expect(['ip_not_public', 'cloud_metadata']).toContain(verdict.rule);
      }),
      { numRuns: RUNS.blockedV6 },
    );
  });

  it(`IPv4 carried in IPv6 transition forms is refused outright, metadata named as such (${RUNS.transition} runs)`, async () => {
    const forms: Record<string, (n: bigint) => bigint> = {
      mapped: (n) => (0xffffn << 32n) | n,
      compatible: (n) => n,
      nat64: (n) => (v6ToInt('64:ff9b::') | n),
      '6to4': (n) => v6ToInt('2002::') | (n << 80n),
      teredo: (n) => v6ToInt('2001::') | (v4ToInt('65.54.227.120') << 64n) | (n ^ 0xffffffffn),
    };
    const carried = fc.oneof(uint32.filter(isPublicV4), fc.constantFrom(v4ToInt('169.254.169.254'), v4ToInt('168.63.129.16')));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(forms)), carried, async (form, n) => {
        const verdict = await checkWebhookUrl(`https://[${intToV6(forms[form]!(n))}]/`, strict);
        const metadata = intToV4(n) === '169.254.169.254' || intToV4(n) === '168.63.129.16';
        expect(verdict).toMatchObject({ ok: false, rule: metadata ? 'cloud_metadata' : 'ip_not_public' });
      }),
      { numRuns: RUNS.transition },
    );
  });

  it(`a host name is refused when any one of its addresses is blocked (${RUNS.resolved} runs)`, async () => {
    const publicAnswer = uint32.filter(isPublicV4).map((n): ResolvedAddress => ({ address: intToV4(n), family: 4 }));
    const blockedAnswer = fc
      .tuple(fc.constantFrom(...V4_RANGES), uint32)
      .map(([range, offset]): ResolvedAddress => ({ address: intToV4(inside(range, offset)), family: 4 }));
    await fc.assert(
      fc.asyncProperty(fc.array(publicAnswer, { maxLength: 6 }), fc.option(blockedAnswer, { nil: undefined }), fc.nat(), async (answers, bad, at) => {
        const all = [...answers];
        if (bad) all.splice(at % (all.length + 1), 0, bad);
        const asked: string[] = [];
        const resolver: Resolver = async (hostname) => (asked.push(hostname), all);
        const verdict = await checkWebhookUrl('https://Hooks.Acme-Corp.com/x', { resolver, allowPrivateTargets: false });
        expect(asked).toEqual(['hooks.acme-corp.com']);
        if (all.length === 0) expect(verdict).toMatchObject({ ok: false, rule: 'dns_resolution_failed' });
        else if (bad) expect(verdict).toMatchObject({ ok: false, rule: 'resolves_to_blocked_ip', detail: expect.stringContaining(bad.address) });
        else expect(verdict).toEqual({ ok: true, url: 'https://hooks.acme-corp.com/x' });
      }),
      { numRuns: RUNS.resolved },
    );
  });
});
