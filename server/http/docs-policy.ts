import { createHash } from 'node:crypto';

/** An inline `<script>` element with no `src`: what the HTML tokenizer takes as its text, up to `</script`. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script/gi;

/**
 * The Content-Security-Policy of the Redoc page (`npm run docs`): its inline scripts run by
 * their SHA-256 hashes and nothing else does (no eval, no worker: docs.mjs keeps its search on
 * the main thread); no origin but the page's own is reachable; styled-components writes
 * `<style>` elements at run time, so styles may be inline; the page may not be framed.
 */
export function docsContentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(([, body]) => `'sha256-${createHash('sha256').update(body!, 'utf8').digest('base64')}'`);
  return [
    "default-src 'none'",
    `script-src ${hashes.length ? [...new Set(hashes)].join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
