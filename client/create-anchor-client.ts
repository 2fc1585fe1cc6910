import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';

export const DEFAULT_BASE_URL = 'https://api.anchorbrowser.io';
export const USER_AGENT = 'anchor-webhooks-client/0.1.0';

export type AnchorClient = Client<paths>;

export interface AnchorClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** A fetch implementation, for tests and non-standard runtimes. */
  fetch?: typeof globalThis.fetch;
}

/** A typed client for the Anchor Webhooks API; every path, body and response type comes from the spec. */
export function createAnchorClient({ apiKey, baseUrl = DEFAULT_BASE_URL, fetch }: AnchorClientOptions): AnchorClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use(authMiddleware(apiKey));
  return client;
}

function authMiddleware(apiKey: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('anchor-api-key', apiKey);
      request.headers.set('user-agent', USER_AGENT);
      return request;
    },
  };
}
