import type { IncomingHttpHeaders } from 'node:http';

export type ForwardResult =
  | { ok: true; status: number; contentType: string | undefined; body: Buffer; durationMs: number }
  | { ok: false; error: string; durationMs: number };

// Hop-by-hop headers and those fetch computes itself; everything else goes through as received.
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection']);
const MAX_RELAYED_BODY = 64 * 1024;

export function forwardedHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** POSTs the raw body with the original headers to the developer's app; redirects are shown, not followed, as Anchor does. */
export async function forwardDelivery(target: URL, headers: IncomingHttpHeaders, body: Buffer, timeoutMs = 10_000): Promise<ForwardResult> {
  const started = performance.now();
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: forwardedHeaders(headers),
      body: new Uint8Array(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      ok: true,
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      body: bytes.subarray(0, MAX_RELAYED_BODY),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, error: describeFetchError(error), durationMs: Math.round(performance.now() - started) };
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
