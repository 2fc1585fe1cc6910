import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  IPV4_BLOCKED_RANGES,
  IPV6_BLOCKED_RANGES,
  METADATA_ADDRESSES,
  type AddressRange,
  type Ipv4Embedding,
} from './ip-ranges.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type CompiledRange = AddressRange & { network: Address; bits: number };

/** Why an address is refused: `reason` completes a sentence that starts with the address. */
export type AddressViolation = { rule: 'ip_not_public' | 'cloud_metadata'; address: string; reason: string };

export type AddressCheckOptions = { allowPrivateTargets: boolean };

const compile = (range: AddressRange): CompiledRange => {
  const [network, bits] = ipaddr.parseCIDR(range.cidr);
  return { ...range, network, bits };
};
const V4_RANGES = IPV4_BLOCKED_RANGES.map(compile);
const V6_RANGES = IPV6_BLOCKED_RANGES.map(compile);
const METADATA: ReadonlyMap<string, string> = new Map(METADATA_ADDRESSES.map((m) => [ipaddr.parse(m.address).toNormalizedString(), m.service]));

/**
 * Parses an IP address in canonical notation (what `URL` and DNS produce), with or
 * without IPv6 brackets and zone id. Returns null for anything else, including the
 * shorthand IPv4 forms `ipaddr.js` would accept ("127.1"): `URL` has already
 * canonicalised those, and anything that still looks like them is not an address.
 */
export function parseIpAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const withoutZone = bare.replace(/%.*$/s, '');
  if (isIP(withoutZone) === 0) return null;
  return ipaddr.parse(withoutZone);
}

/** The IP address a `URL#hostname` denotes, or null when the host is a name. */
export function ipLiteralOf(hostname: string): string | null {
  const address = parseIpAddress(hostname);
  return address ? address.toString() : null;
}

function longestMatch(address: Address): CompiledRange | undefined {
  let best: CompiledRange | undefined;
  for (const range of address.kind() === 'ipv4' ? V4_RANGES : V6_RANGES) {
    if (range.network.kind() !== address.kind()) continue;
    if (address.match(range.network, range.bits) && (!best || range.bits > best.bits)) best = range;
  }
  return best;
}

const v4 = (bytes: number[], at: number[]): ipaddr.IPv4 => new ipaddr.IPv4(at.map((i) => bytes[i] ?? 0));

/** The IPv4 addresses an IPv6 address carries under a given transition scheme. */
const EMBEDDED: Record<Ipv4Embedding, (bytes: number[]) => ipaddr.IPv4[]> = {
  mapped: (b) => [v4(b, [12, 13, 14, 15])],
  compatible: (b) => [v4(b, [12, 13, 14, 15])],
  siit: (b) => [v4(b, [12, 13, 14, 15])],
  nat64: (b) => [v4(b, [12, 13, 14, 15])],
  // RFC 8215's local-use prefix carries the address in the /96 layout (bits 64-95 zero)
  // or, as RFC 6052 lays out a /48, split around the reserved "u" octet.
  'nat64-local': (b) => [[6, 7, 8, 9, 10, 11].every((i) => b[i] === 0) ? v4(b, [12, 13, 14, 15]) : v4(b, [6, 7, 9, 10])],
  '6to4': (b) => [v4(b, [2, 3, 4, 5])],
  // Teredo: the server in bits 32-63, the client obfuscated (inverted) in the last 32 bits.
  teredo: (b) => [v4(b, [4, 5, 6, 7]), new ipaddr.IPv4([12, 13, 14, 15].map((i) => (b[i] ?? 0) ^ 0xff))],
};

const inRange = (range: CompiledRange) => `is in ${range.cidr} (${range.name})`;

/**
 * Checks one address against the metadata list and every blocked range. Cloud metadata
 * wins over the generic rule and stays refused with allowPrivateTargets.
 */
export function checkAddress(address: Address, options: AddressCheckOptions): AddressViolation | null {
  const shown = address.toString();
  const direct = METADATA.get(address.toNormalizedString());
  if (direct) return { rule: 'cloud_metadata', address: shown, reason: `is ${direct}` };

  const range = longestMatch(address);
  if (!range) return null;
  const embedded = range.embeds ? EMBEDDED[range.embeds](address.toByteArray()) : [];
  for (const inner of embedded) {
    const service = METADATA.get(inner.toNormalizedString());
    if (service) return { rule: 'cloud_metadata', address: shown, reason: `embeds IPv4 ${inner}, which is ${service}` };
  }
  for (const inner of embedded) {
    const innerRange = longestMatch(inner);
    if (innerRange && !(options.allowPrivateTargets && innerRange.localTarget)) {
      return { rule: 'ip_not_public', address: shown, reason: `embeds IPv4 ${inner}, which ${inRange(innerRange)}` };
    }
  }
  if (options.allowPrivateTargets && range.localTarget) return null;
  const carried = embedded.length > 0 ? `, which is refused whatever IPv4 address it carries` : '';
  return { rule: 'ip_not_public', address: shown, reason: `${inRange(range)}${carried}` };
}

/**
 * The connect-time check: call it on every address the delivery agent is about to dial
 * (resolved or literal). Text that is not a canonical IP address is refused.
 */
export function checkResolvedAddress(
  address: string,
  options: AddressCheckOptions,
): { rule: 'ip_not_public' | 'cloud_metadata'; detail: string } | null {
  const parsed = parseIpAddress(address);
  if (!parsed) return { rule: 'ip_not_public', detail: `${JSON.stringify(address)} is not an IP address` };
  const violation = checkAddress(parsed, options);
  return violation && { rule: violation.rule, detail: `${violation.address} ${violation.reason}` };
}
