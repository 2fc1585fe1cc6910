import { Dispatcher, Pool } from 'undici';
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
  /**
   * Most connections open to one webhook at once (ANCHOR_DELIVERY_CONCURRENCY_PER_WEBHOOK): the
   * worker's claim limit counts attempts, and a socket can outlive its attempt (one being torn
   * down after a timeout, a response still draining), so the sockets are capped here too.
   * Unlimited when absent.
   */
  connectionsPerWebhook?: number;
};

/**
 * The request option that names the connection pool an attempt uses: its webhook id. Requests
 * without it share one pool per origin.
 */
export const CONNECTION_POOL = Symbol('anchor.connectionPool');

/**
 * The undici dispatcher for deliveries: every host name is resolved through the URL policy's
 * guarded lookup, so the address actually dialled is the one checked (a DNS answer that has
 * changed to a private address is refused before any connection is made). No redirects: plain
 * `request` never follows them. Connections are pooled per webhook and origin, each pool holding
 * at most `connectionsPerWebhook` sockets; a request past that waits for a free one (within its
 * attempt's timeout).
 */
export function createDeliveryAgent(options: DeliveryAgentOptions): Dispatcher {
  const lookup = createGuardedLookup({
    allowPrivateTargets: options.allowPrivateTargets,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
  return new WebhookPools({
    connect: { lookup },
    keepAliveTimeout: 4_000,
    ...(options.connectionsPerWebhook ? { connections: options.connectionsPerWebhook } : {}),
  });
}

/**
 * One undici Pool per webhook and origin. undici's Agent pools per origin only, and drops a pool
 * as soon as its last socket closes even with requests still queued on it: those then open
 * sockets of their own beside the next pool's, and the cap no longer holds. Here a pool is
 * dropped only when it has neither a socket nor a request (after the keep-alive timeout).
 */
class WebhookPools extends Dispatcher {
  readonly #pools = new Map<string, Pool>();
  readonly #options: Pool.Options;

  constructor(options: Pool.Options) {
    super();
    this.#options = options;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(opts.origin);
    const webhook = (opts as { [CONNECTION_POOL]?: string })[CONNECTION_POOL];
    const key = webhook ? `${origin} ${webhook}` : origin;
    let pool = this.#pools.get(key);
    if (!pool) {
      const created = new Pool(origin, this.#options);
      // Passed on, as undici's Agent does, for whoever watches the connections.
      created.on('connect', (url, targets) => this.emit('connect', url, targets));
      created.on('connectionError', (url, targets, err) => this.emit('connectionError', url, targets, err));
      created.on('disconnect', (url, targets, err) => {
        this.emit('disconnect', url, targets, err);
        const { connected, size } = created.stats;
        if (connected > 0 || size > 0 || this.#pools.get(key) !== created) return;
        this.#pools.delete(key);
        void created.close();
      });
      this.#pools.set(key, (pool = created));
    }
    return pool.dispatch(opts, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = this.#each((pool) => pool.close());
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const done = this.#each((pool) => pool.destroy(err));
    const then = typeof errOrCallback === 'function' ? errOrCallback : callback;
    if (!then) return done;
    void done.then(then);
  }

  async #each(action: (pool: Pool) => Promise<void>): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(action));
  }
}
