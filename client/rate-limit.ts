// No node: imports: the dashboard bundles this for the browser.

/** One policy of `RateLimit-Policy`: `quota` requests per `windowSeconds`. */
export type RateLimitPolicy = { name: string; quota: number; windowSeconds: number | undefined };
/** One item of `RateLimit`: `remaining` requests now, and the seconds until the quota is back. */
export type RateLimitStatus = { name: string; remaining: number; resetSeconds: number | undefined };
/** What a response says about the caller's rate limits; absent when it sent no such headers. */
export type RateLimitInfo = { policies: RateLimitPolicy[]; limits: RateLimitStatus[] };

type Item = { name: string; params: Record<string, string> };

/**
 * A structured-field list as the IETF RateLimit draft writes it (RFC 9651 subset): items that
 * are a quoted string or a token, each with `;key=value` parameters. Unreadable items are skipped.
 */
function parseList(value: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  const skipSpaces = () => {
    while (value[i] === ' ' || value[i] === '\t') i++;
  };
  const bare = () => {
    const start = i;
    while (i < value.length && /[A-Za-z0-9_.*:%/!#$&'+^`|~-]/.test(value[i]!)) i++;
    return value.slice(start, i);
  };
  const quoted = () => {
    let out = '';
    i++; // opening quote
    while (i < value.length && value[i] !== '"') {
      if (value[i] === '\\') i++;
      out += value[i++] ?? '';
    }
    i++; // closing quote
    return out;
  };
  while (i < value.length) {
    skipSpaces();
    const name = value[i] === '"' ? quoted() : bare();
    const params: Record<string, string> = {};
    while (value[i] === ';') {
      i++;
      skipSpaces();
      const key = bare();
      if (value[i] === '=') {
        i++;
        params[key] = value[i] === '"' ? quoted() : bare();
      } else params[key] = '?1';
    }
    if (name) items.push({ name, params });
    skipSpaces();
    if (value[i] !== ',') {
      // Garbage: skip to the next item.
      const next = value.indexOf(',', i);
      if (next === -1) break;
      i = next;
    }
    i++;
  }
  return items;
}

const integer = (text: string | undefined) => (text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined);

/**
 * The `RateLimit-Policy` and `RateLimit` headers of an answer, parsed: which policies apply
 * (`"per-key";q=200;w=2`: 200 requests per 2 s) and where the caller stands (`r` requests left,
 * `t` seconds until the quota is back). Undefined when the answer has neither header.
 */
export function parseRateLimit(headers: Pick<Headers, 'get'>): RateLimitInfo | undefined {
  const policy = headers.get('ratelimit-policy');
  const limit = headers.get('ratelimit');
  if (policy === null && limit === null) return undefined;
  const policies = parseList(policy ?? '').flatMap(({ name, params }) => {
    const quota = integer(params.q);
    return quota === undefined ? [] : [{ name, quota, windowSeconds: integer(params.w) }];
  });
  const limits = parseList(limit ?? '').flatMap(({ name, params }) => {
    const remaining = integer(params.r);
    return remaining === undefined ? [] : [{ name, remaining, resetSeconds: integer(params.t) }];
  });
  return { policies, limits };
}
