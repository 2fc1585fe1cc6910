// No node: imports in this module, problem.ts or retry-middleware.ts: the dashboard
// bundles them for the browser.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { createRetryMiddleware, type RetryOptions } from './retry-middleware.js';

export const DEFAULT_BASE_URL = 'https://api.anchorbrowser.io';
export const USER_AGENT = 'anchor-webhooks-client/0.1.0';

export type AnchorClient = Client<paths>;

export interface AnchorClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** A fetch implementation, for tests and non-standard runtimes. */
  fetch?: typeof globalThis.fetch;
  /** Your application, prepended to the client's User-Agent, e.g. `billing-sync/2.3`. */
  userAgent?: string;
  /**
   * Retry idempotent requests (GET, DELETE, and POSTs with an `Idempotency-Key`) on 429,
   * 5xx and network errors. Off by default: `true` for the defaults, or options.
   */
  retry?: boolean | RetryOptions;
}

/** A typed client for the Anchor Webhooks API; every path, body and response type comes from the spec. */
export function createAnchorClient({ apiKey, baseUrl = DEFAULT_BASE_URL, fetch, userAgent, retry = false }: AnchorClientOptions): AnchorClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use(authMiddleware(apiKey, userAgent ? `${userAgent} ${USER_AGENT}` : USER_AGENT));
  if (retry) client.use(createRetryMiddleware(retry === true ? {} : retry));
  return client;
}

function authMiddleware(apiKey: string, userAgent: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('anchor-api-key', apiKey);
      request.headers.set('user-agent', userAgent);
      return request;
    },
  };
}
