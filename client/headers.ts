import type { IncomingHttpHeaders } from 'node:http';

/** Request headers as a fetch `Headers`, node's `req.headers`, or a plain record in any letter case. */
export type HeadersInput = Headers | IncomingHttpHeaders | Readonly<Record<string, string | readonly string[] | undefined>>;

function isHeadersObject(headers: HeadersInput): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function';
}

/**
 * One header's value, or undefined when absent. Repeated headers (an array, or the same
 * name in two letter cases) are joined with ", " as HTTP does, so a duplicated
 * `Anchor-Signature` stays visible to the parser instead of one copy winning silently.
 */
export function getHeader(headers: HeadersInput, name: string): string | undefined {
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value.map(String));
  }
  return values.length > 0 ? values.join(', ') : undefined;
}
