import { checkAddress, parseIpAddress } from './check-address.js';
import { checkHostname, normaliseHostname } from './check-hostname.js';
import { checkPort, portPastRange } from './check-port.js';
import { MAX_URL_LENGTH, MIN_URL_LENGTH } from './limits.js';
import type { UrlPolicyOptions, UrlRule, UrlVerdict } from './types.js';

type Rejection = { ok: false; rule: UrlRule; detail: string };
const reject = (rule: UrlRule, detail: string): Rejection => ({ ok: false, rule, detail });

/** A URL that passed every rule that needs no DNS; `hostname` is set when DNS must still be asked. */
export type StaticVerdict = { ok: true; url: string; hostname: string | null } | Rejection;

/** The URL after the WHATWG parser's pre-processing: tab and newline removal, C0-and-space trimming. */
// eslint-disable-next-line no-control-regex
const cleaned = (rawUrl: string) => rawUrl.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');

/**
 * The authority as the WHATWG parser will see it: `new URL` silently drops an empty
 * userinfo (`https://@host/`, `https://:@host/`), so the raw text is checked too.
 * Mirrors the parser's pre-processing (tab/newline removal, C0-and-space trimming) and
 * its authority delimiters for special schemes (`/`, `\`, `?`, `#`).
 */
function rawAuthority(rawUrl: string): string {
  return /^[a-z][a-z0-9+.-]*:[/\\]*([^/\\?#]*)/i.exec(cleaned(rawUrl))?.[1] ?? '';
}

/** Every rule except DNS resolution. The delivery worker uses it too, with the guarded lookup for the DNS part. */
export function checkWebhookUrlWithoutDns(rawUrl: string, options: Pick<UrlPolicyOptions, 'allowPrivateTargets'>): StaticVerdict {
  if (typeof rawUrl !== 'string' || rawUrl.length < MIN_URL_LENGTH) return reject('invalid_url', 'the URL is empty');
  if (rawUrl.length > MAX_URL_LENGTH) {
    return reject('url_too_long', `the URL is ${rawUrl.length} characters long; the limit is ${MAX_URL_LENGTH}`);
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    // The parser refuses a port past 65535 with the whole URL: name the rule instead.
    const port = portPastRange(cleaned(rawUrl), rawAuthority(rawUrl));
    if (port) return reject(port.rule, port.detail);
    return reject('invalid_url', 'the URL is not a valid absolute URL');
  }

  const schemes = options.allowPrivateTargets ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return reject('scheme_not_https', `the scheme is ${url.protocol} but only ${schemes.join(' and ')} ${schemes.length > 1 ? 'are' : 'is'} allowed`);
  }
  // Never echo the userinfo: it may be a password.
  if (url.username !== '' || url.password !== '' || rawAuthority(rawUrl).includes('@')) {
    return reject('credentials_in_url', 'the URL has user information before "@" in its host part; credentials are not allowed');
  }
  const port = checkPort(url.port);
  if (port) return reject(port.rule, port.detail);
  if (url.href.length > MAX_URL_LENGTH) {
    return reject('url_too_long', `the normalised URL is ${url.href.length} characters long; the limit is ${MAX_URL_LENGTH}`);
  }

  const literal = parseIpAddress(url.hostname);
  if (literal) {
    const violation = checkAddress(literal, options);
    if (violation) return reject(violation.rule, `${violation.address} ${violation.reason}`);
    return { ok: true, url: url.href, hostname: null };
  }

  const name = normaliseHostname(url.hostname);
  if (name === '') return reject('invalid_url', 'the URL has no host name');
  const violation = checkHostname(name, options);
  if (violation) return reject(violation.rule, violation.detail);
  return { ok: true, url: url.href, hostname: name };
}

const describeError = (error: unknown): string =>
  (error as { code?: unknown })?.code ? String((error as { code: unknown }).code) : error instanceof Error ? error.message : String(error);

/**
 * The one public check for webhook URLs: every rule, then every address the host name
 * resolves to. Returns the normalised URL (`URL#href`) to store.
 */
export async function checkWebhookUrl(rawUrl: string, options: UrlPolicyOptions): Promise<UrlVerdict> {
  const verdict = checkWebhookUrlWithoutDns(rawUrl, options);
  if (!verdict.ok) return verdict;
  if (verdict.hostname === null) return { ok: true, url: verdict.url };

  const name = verdict.hostname;
  let addresses;
  try {
    addresses = await options.resolver(name);
  } catch (error) {
    return reject('dns_resolution_failed', `${name} could not be resolved (${describeError(error)})`);
  }
  if (addresses.length === 0) return reject('dns_resolution_failed', `${name} resolved to no addresses`);
  for (const { address } of addresses) {
    const parsed = parseIpAddress(address);
    if (!parsed) return reject('resolves_to_blocked_ip', `${name} resolves to ${JSON.stringify(address)}, which is not an IP address`);
    const violation = checkAddress(parsed, options);
    if (violation) return reject('resolves_to_blocked_ip', `${name} resolves to ${violation.address}, which ${violation.reason}`);
  }
  return { ok: true, url: verdict.url };
}
