/** One address a host name resolved to. */
export type ResolvedAddress = { address: string; family: 4 | 6 };

/** DNS lookup, injected so tests never touch the network. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The rules a webhook URL can break; each name is stable and appears in problem `detail`. */
export type UrlRule =
  | 'invalid_url'
  | 'url_too_long'
  | 'scheme_not_https'
  | 'credentials_in_url'
  | 'port_not_allowed'
  | 'ip_not_public'
  | 'cloud_metadata'
  | 'internal_hostname'
  | 'aws_control_plane'
  | 'resolves_to_blocked_ip'
  | 'dns_resolution_failed';

export type UrlVerdict =
  | { ok: true; url: string }
  | { ok: false; rule: UrlRule; detail: string };

export type UrlPolicyOptions = {
  resolver: Resolver;
  /** ANCHOR_ALLOW_PRIVATE_TARGETS=1: allow http: and loopback/private targets, for local testing only. */
  allowPrivateTargets: boolean;
};
