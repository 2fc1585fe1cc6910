import type { LookupAddress, LookupOptions } from 'node:dns';
import { checkAddress, parseIpAddress } from './check-address.js';
import { normaliseHostname } from './check-hostname.js';
import { systemResolver } from './system-resolver.js';
import type { ResolvedAddress, Resolver, UrlRule } from './types.js';

/** Raised by the guarded lookup when a host resolves to a refused address; the delivery worker records it as `url_not_allowed`. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_URL_NOT_ALLOWED';
  constructor(
    readonly rule: UrlRule,
    readonly detail: string,
    readonly hostname: string,
  ) {
    super(detail);
    this.name = 'BlockedAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The shape `net.connect`, `tls.connect` and undici's `connect.lookup` accept. */
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

export type GuardedLookupOptions = { allowPrivateTargets: boolean; resolver?: Resolver };

const wantedFamily = (family: LookupOptions['family']): 0 | 4 | 6 =>
  family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;

function notFound(hostname: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}: ${message}`), { code: 'ENOTFOUND', hostname });
}

/**
 * A `lookup` that resolves through the injected resolver and refuses the connection
 * when any address is blocked, so the address actually dialled is the one checked
 * (a DNS answer that changed since the URL was stored is caught here). Node does not
 * call `lookup` for IP-literal hosts: check those with `checkResolvedAddress` or
 * `checkWebhookUrlWithoutDns` before connecting.
 */
export function createGuardedLookup(options: GuardedLookupOptions): GuardedLookup {
  const resolver = options.resolver ?? systemResolver;
  return (hostname, lookupOptions, callback) => {
    const literal = parseIpAddress(hostname);
    const pending: Promise<ResolvedAddress[]> = literal
      ? Promise.resolve([{ address: literal.toString(), family: literal.kind() === 'ipv6' ? 6 : 4 }])
      : resolver(normaliseHostname(hostname));
    pending.then(
      (addresses) => {
        if (addresses.length === 0) return callback(notFound(hostname, 'no addresses'), []);
        for (const { address } of addresses) {
          const parsed = parseIpAddress(address);
          const violation = parsed
            ? checkAddress(parsed, options)
            : { rule: 'ip_not_public' as const, address: JSON.stringify(address), reason: 'is not an IP address' };
          if (violation) {
            const detail = `${hostname} resolves to ${violation.address}, which ${violation.reason}`;
            return callback(new BlockedAddressError(violation.rule, detail, hostname), []);
          }
        }
        const family = wantedFamily(lookupOptions?.family);
        const usable = addresses.filter((a) => family === 0 || a.family === family);
        const first = usable[0];
        if (!first) return callback(notFound(hostname, `no IPv${family} address`), []);
        if (lookupOptions?.all) return callback(null, usable.map(({ address, family: f }) => ({ address, family: f })));
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
