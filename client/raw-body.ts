/** The request body exactly as received: a Buffer (a Uint8Array) or the string it decodes to. */
export type RawBody = string | Uint8Array;

export function isRawBody(body: unknown): body is RawBody {
  return typeof body === 'string' || body instanceof Uint8Array;
}

export function rawBodyBytes(body: RawBody): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** A short description of what was passed instead of a raw body, for error messages. */
export function describeNonRawBody(body: unknown): string {
  if (body === undefined) return 'undefined (the body was never read)';
  if (body === null) return 'null';
  if (body instanceof ArrayBuffer) return 'an ArrayBuffer (wrap it: Buffer.from(body))';
  if (Array.isArray(body)) return 'an array (the JSON was already parsed)';
  if (typeof body === 'object') return 'an object (the JSON was already parsed)';
  return `a ${typeof body}`;
}
