import { Agent, type Dispatcher } from 'undici';
import { BlockedAddressError, checkWebhookUrlWithoutDns, createGuardedLookup, type Resolver, type UrlRule } from '../url-policy/index.js';

export type PolicyViolation = { rule: UrlRule; detail: string };

/** The URL rules that need no DNS, for one private-targets setting: null when a URL passes. */
export type Preflight = (url: string) => PolicyViolation | null;

const PREFLIGHT_CACHE_SIZE = 10_000;

/**
 * The URL rules that need no DNS, checked before each attempt: they catch IP-literal hosts
 * (for which Node never calls `lookup`), and URLs stored under ANCHOR_ALLOW_PRIVATE_TARGETS
 * that a server started without it must not reach. A pure function of the URL for a given
 * setting, asked on every attempt for a handful of URLs, so each instance remembers its answers.
 */
export function createPreflight(allowPrivateTargets: boolean): Preflight {
  const cache = new Map<string, PolicyViolation | null>();
  return (url) => {
    let result = cache.get(url);
    if (result === undefined) {
      const verdict = checkWebhookUrlWithoutDns(url, { allowPrivateTargets });
      result = verdict.ok ? null : { rule: verdict.rule, detail: verdict.detail };
      if (cache.size >= PREFLIGHT_CACHE_SIZE) cache.clear();
      cache.set(url, result);
    }
    return result;
  };
}

/** The URL-policy refusal carried by a connection error, if that is why it failed. */
export function urlPolicyViolationOf(err: unknown): PolicyViolation | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlockedAddressError) return { rule: e.rule, detail: e.detail };
  }
  return null;
}

export type DeliveryAgentOptions = {
  resolver?: Resolver;
  allowPrivateTargets: boolean;
  /** Most connections per receiver origin; the per-webhook limit bounds it in practice. */
  connectionsPerOrigin?: number;
};

/**
 * The undici agent for deliveries: every host name is resolved through the URL policy's
 * guarded lookup, so the address actually dialled is the one checked (a DNS answer that has
 * changed to a private address is refused before any connection is made). No redirects: plain
 * `request` never follows them.
 */
export function createDeliveryAgent(options: DeliveryAgentOptions): Dispatcher {
  const lookup = createGuardedLookup({
    allowPrivateTargets: options.allowPrivateTargets,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
  return new Agent({
    connect: { lookup },
    keepAliveTimeout: 4_000,
    ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
  });
}
