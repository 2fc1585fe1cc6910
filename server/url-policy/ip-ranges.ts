/**
 * Every address range a webhook may not target, as data.
 *
 * Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries (every entry,
 * including the ones marked globally reachable: being stricter costs nothing here),
 * the IPv4 multicast block, and the IANA IPv6 Address Space registry (everything
 * outside 2000::/3 is "Reserved by IETF" and never a legitimate public target).
 * Nested entries are kept on purpose: the longest matching prefix names the range
 * in the rejection's detail.
 */

/** How an IPv6 prefix carries an IPv4 address that must be checked too. */
export type Ipv4Embedding = 'mapped' | 'compatible' | 'nat64' | 'nat64-local' | '6to4' | 'teredo' | 'siit';

export type AddressRange = {
  cidr: string;
  /** The registry's name for the block, quoted in the rejection detail. */
  name: string;
  /** Allowed when allowPrivateTargets is on (a developer's own machine or LAN). */
  localTarget?: boolean;
  /** The prefix embeds an IPv4 address; it is extracted and checked as well. */
  embeds?: Ipv4Embedding;
};

export const IPV4_BLOCKED_RANGES: readonly AddressRange[] = [
  { cidr: '0.0.0.0/8', name: '"This network"' },
  { cidr: '0.0.0.0/32', name: '"This host on this network"' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', localTarget: true },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', localTarget: true },
  { cidr: '127.0.0.0/8', name: 'Loopback', localTarget: true },
  { cidr: '169.254.0.0/16', name: 'Link Local', localTarget: true },
  { cidr: '172.16.0.0/12', name: 'Private-Use', localTarget: true },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments' },
  { cidr: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix' },
  { cidr: '192.0.0.8/32', name: 'IPv4 dummy address' },
  { cidr: '192.0.0.9/32', name: 'Port Control Protocol Anycast' },
  { cidr: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast' },
  { cidr: '192.0.0.170/32', name: 'NAT64/DNS64 Discovery' },
  { cidr: '192.0.0.171/32', name: 'NAT64/DNS64 Discovery' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4' },
  { cidr: '192.52.193.0/24', name: 'AMT' },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)' },
  { cidr: '192.88.99.2/32', name: '6a44-relay anycast address' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', localTarget: true },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', name: 'Multicast' },
  { cidr: '240.0.0.0/4', name: 'Reserved' },
  { cidr: '255.255.255.255/32', name: 'Limited Broadcast' },
];

/**
 * Transition prefixes (mapped, compatible, NAT64, 6to4, Teredo) are blocked outright,
 * whatever IPv4 address they carry: a webhook never needs them, and a relay or
 * translator could forward to anywhere. The embedded IPv4 is still extracted so that
 * `[::ffff:169.254.169.254]` is reported as cloud metadata and `[::ffff:10.0.0.1]`
 * names Private-Use. The one exception: with allowPrivateTargets, an IPv4-mapped
 * address is judged by the IPv4 address it maps.
 */
export const IPV6_BLOCKED_RANGES: readonly AddressRange[] = [
  // IANA IPv6 Special-Purpose Address Registry
  { cidr: '::1/128', name: 'Loopback Address', localTarget: true },
  { cidr: '::/128', name: 'Unspecified Address' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address', localTarget: true, embeds: 'mapped' },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translat.', embeds: 'nat64' },
  { cidr: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translat. (local-use)', embeds: 'nat64-local' },
  { cidr: '100::/64', name: 'Discard-Only Address Block' },
  { cidr: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix' },
  { cidr: '2001::/23', name: 'IETF Protocol Assignments' },
  { cidr: '2001::/32', name: 'TEREDO', embeds: 'teredo' },
  { cidr: '2001:1::1/128', name: 'Port Control Protocol Anycast' },
  { cidr: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast' },
  { cidr: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast' },
  { cidr: '2001:2::/48', name: 'Benchmarking' },
  { cidr: '2001:3::/32', name: 'AMT' },
  { cidr: '2001:4:112::/48', name: 'AS112-v6' },
  { cidr: '2001:10::/28', name: 'Deprecated (previously ORCHID)' },
  { cidr: '2001:20::/28', name: 'ORCHIDv2' },
  { cidr: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix' },
  { cidr: '2001:db8::/32', name: 'Documentation' },
  { cidr: '2002::/16', name: '6to4', embeds: '6to4' },
  { cidr: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service' },
  { cidr: '3fff::/20', name: 'Documentation' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs' },
  { cidr: 'fc00::/7', name: 'Unique-Local', localTarget: true },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', localTarget: true },
  // Deprecated forms that still embed IPv4 (RFC 4291 section 2.5.5.1, RFC 6145)
  { cidr: '::/96', name: 'IPv4-compatible Address (deprecated)', embeds: 'compatible' },
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated Address (SIIT)', embeds: 'siit' },
  // IANA IPv6 Address Space: everything outside 2000::/3 Global Unicast
  { cidr: '::/8', name: 'Reserved by IETF' },
  { cidr: '100::/8', name: 'Reserved by IETF' },
  { cidr: '200::/7', name: 'Reserved by IETF' },
  { cidr: '400::/6', name: 'Reserved by IETF' },
  { cidr: '800::/5', name: 'Reserved by IETF' },
  { cidr: '1000::/4', name: 'Reserved by IETF' },
  { cidr: '4000::/3', name: 'Reserved by IETF' },
  { cidr: '6000::/3', name: 'Reserved by IETF' },
  { cidr: '8000::/3', name: 'Reserved by IETF' },
  { cidr: 'a000::/3', name: 'Reserved by IETF' },
  { cidr: 'c000::/3', name: 'Reserved by IETF' },
  { cidr: 'e000::/4', name: 'Reserved by IETF' },
  { cidr: 'f000::/5', name: 'Reserved by IETF' },
  { cidr: 'f800::/6', name: 'Reserved by IETF' },
  { cidr: 'fe00::/9', name: 'Reserved by IETF' },
  { cidr: 'fec0::/10', name: 'Site-Local (deprecated)' },
  { cidr: 'ff00::/8', name: 'Multicast' },
];

export type MetadataAddress = { address: string; service: string };

/**
 * Cloud metadata and credential endpoints by address. Some sit inside blocked ranges
 * anyway; listing them gives the more specific rule (`cloud_metadata`), which also
 * stays in force with allowPrivateTargets. 168.63.129.16 is public space and is
 * caught only here.
 */
export const METADATA_ADDRESSES: readonly MetadataAddress[] = [
  {
    address: '169.254.169.254',
    service:
      'the instance metadata service of AWS, Azure, GCP, Oracle, DigitalOcean, Hetzner, OpenStack, Linode, Vultr and others',
  },
  { address: 'fd00:ec2::254', service: 'the AWS instance metadata service (IPv6)' },
  { address: '169.254.170.2', service: 'the AWS ECS task metadata and credentials endpoint' },
  { address: '169.254.170.23', service: 'the AWS EKS Pod Identity agent' },
  { address: 'fd00:ec2::23', service: 'the AWS EKS Pod Identity agent (IPv6)' },
  { address: '168.63.129.16', service: 'the Azure WireServer host endpoint' },
  { address: '100.100.100.200', service: 'the Alibaba Cloud metadata service' },
  { address: '192.0.0.192', service: 'the Oracle Cloud metadata service' },
  { address: '169.254.0.23', service: 'the Tencent Cloud metadata service' },
  { address: '169.254.42.42', service: 'the Scaleway metadata service' },
  { address: 'fd00:42::42', service: 'the Scaleway metadata service (IPv6)' },
  { address: 'fe80::a9fe:a9fe', service: 'the OpenStack metadata service (IPv6)' },
];
