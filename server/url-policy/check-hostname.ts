import {
  AWS_CONTROL_PLANE_PATTERNS,
  INTERNAL_SUFFIXES,
  LOCAL_HOSTNAMES,
  METADATA_HOSTNAMES,
  METADATA_HOSTNAME_PATTERNS,
} from './hostnames.js';

export type HostnameViolation = { rule: 'cloud_metadata' | 'internal_hostname' | 'aws_control_plane'; detail: string };

/** `URL#hostname` lowercases and punycodes; DNS treats `name.` and `name` alike, so drop the root dot too. */
export function normaliseHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, '');
}

function internalSuffix(name: string): [string, string] | undefined {
  const labels = name.split('.');
  // Longest suffix first, so `home.arpa` is named rather than `arpa`.
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    const why = INTERNAL_SUFFIXES.get(suffix);
    if (why) return [suffix, why];
  }
  return undefined;
}

/**
 * The name rules, most specific first: cloud metadata, then AWS credential endpoints
 * (both refused even with allowPrivateTargets), then internal-only names.
 */
export function checkHostname(name: string, options: { allowPrivateTargets: boolean }): HostnameViolation | null {
  const metadata = METADATA_HOSTNAMES.get(name) ?? METADATA_HOSTNAME_PATTERNS.find((p) => p.pattern.test(name))?.service;
  if (metadata) return { rule: 'cloud_metadata', detail: `${name} is ${metadata}` };

  const aws = AWS_CONTROL_PLANE_PATTERNS.find((p) => p.pattern.test(name));
  if (aws) return { rule: 'aws_control_plane', detail: `${name} is ${aws.endpoint}` };

  if (options.allowPrivateTargets) return null;
  const local = LOCAL_HOSTNAMES.get(name);
  if (local) return { rule: 'internal_hostname', detail: `${name} is ${local}` };
  const suffix = internalSuffix(name);
  if (suffix) {
    const [tld, why] = suffix;
    return { rule: 'internal_hostname', detail: `${name} ends in .${tld}, ${why}` };
  }
  if (!name.includes('.')) {
    return { rule: 'internal_hostname', detail: `${name} is a single-label name, which only resolves inside a local network` };
  }
  return null;
}
