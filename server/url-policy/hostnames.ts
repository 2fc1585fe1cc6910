/**
 * Host names a webhook may not target, as data and a few patterns. Every name here is
 * compared in normal form: lowercase, punycode (what `URL` gives), no trailing dot.
 */

/** Cloud metadata and in-cluster control endpoints by exact name. */
export const METADATA_HOSTNAMES: ReadonlyMap<string, string> = new Map([
  ['instance-data', 'the AWS instance metadata service'],
  ['instance-data.ec2.internal', 'the AWS instance metadata service'],
  ['metadata.google.internal', 'the GCP metadata server'],
  ['metadata.goog', 'the GCP metadata server'],
  ['metadata', 'the GCP metadata server'],
  ['metadata.tencentyun.com', 'the Tencent Cloud metadata service'],
  ['api.metadata.cloud.ibm.com', 'the IBM Cloud metadata service'],
  ['metadata.platformequinix.com', 'the Equinix Metal metadata service'],
  ['metadata.packet.net', 'the Equinix Metal (Packet) metadata service'],
  ['kubernetes', 'the Kubernetes API server'],
  ['kubernetes.default', 'the Kubernetes API server'],
]);

/** Name patterns for the same family (cluster domains vary, so they are patterns). */
export const METADATA_HOSTNAME_PATTERNS: readonly { pattern: RegExp; service: string }[] = [
  // kubernetes.default.svc, kubernetes.default.svc.cluster.local and custom cluster domains
  { pattern: /^kubernetes\.default\.svc(?:\.[a-z0-9-]+)*$/, service: 'the Kubernetes API server' },
  // AWS EC2 internal names for the metadata service, per region
  { pattern: /^instance-data\.[a-z0-9-]+\.compute\.internal$/, service: 'the AWS instance metadata service' },
];

/** Exact names that only mean "this machine". */
export const LOCAL_HOSTNAMES: ReadonlyMap<string, string> = new Map([
  ['localhost', 'the loopback name (RFC 6761)'],
  ['localhost.localdomain', 'the loopback name'],
  ['ip6-localhost', 'the loopback name'],
  ['ip6-loopback', 'the loopback name'],
]);

/**
 * Top-level domains that are special-use (IANA Special-Use Domain Names registry),
 * reserved, or used only inside private networks (names ICANN will not delegate
 * because of collisions). Suffixes of more than one label are matched on label
 * boundaries too.
 */
export const INTERNAL_SUFFIXES: ReadonlyMap<string, string> = new Map([
  ['localhost', 'a special-use loopback domain (RFC 6761)'],
  ['local', 'the mDNS link-local domain (RFC 6762)'],
  ['test', 'a special-use testing domain (RFC 6761)'],
  ['invalid', 'a special-use invalid domain (RFC 6761)'],
  ['example', 'a special-use documentation domain (RFC 6761)'],
  ['onion', 'a special-use Tor domain (RFC 7686)'],
  ['alt', 'a special-use alternative-namespace domain (RFC 9476)'],
  ['arpa', 'the infrastructure domain, including in-addr.arpa, ip6.arpa and home.arpa'],
  ['home.arpa', 'the residential home network domain (RFC 8375)'],
  ['internal', 'the private-use domain (ICANN, 2024)'],
  ['intranet', 'an internal-only domain'],
  ['lan', 'an internal-only domain'],
  ['corp', 'an internal-only domain (ICANN name collision)'],
  ['home', 'an internal-only domain (ICANN name collision)'],
  ['mail', 'an internal-only domain (ICANN name collision)'],
  ['private', 'an internal-only domain'],
  ['priv', 'an internal-only domain'],
  ['localdomain', 'an internal-only domain'],
  ['domain', 'an internal-only domain'],
  ['workgroup', 'an internal-only domain'],
  ['svc', 'the Kubernetes service domain'],
  ['cluster.local', 'the Kubernetes cluster domain'],
  ['consul', 'the Consul service-discovery domain'],
  ['i2p', 'the I2P network domain'],
  ['exit', 'a Tor exit-notation domain'],
  // The IDN test TLDs, removed from the root in 2013
  ['xn--kgbechtv', 'a reserved IDN test domain'],
  ['xn--hgbk6aj7f53bba', 'a reserved IDN test domain'],
  ['xn--0zwm56d', 'a reserved IDN test domain'],
  ['xn--g6w251d', 'a reserved IDN test domain'],
  ['xn--80akhbyknj4f', 'a reserved IDN test domain'],
  ['xn--11b5bs3a9aj6g', 'a reserved IDN test domain'],
  ['xn--jxalpdlp', 'a reserved IDN test domain'],
  ['xn--9t4b11yi5a', 'a reserved IDN test domain'],
  ['xn--deba0ad', 'a reserved IDN test domain'],
  ['xn--zckzah', 'a reserved IDN test domain'],
  ['xn--hlcj6aya9esc7a', 'a reserved IDN test domain'],
]);

// An AWS region, e.g. us-east-1, us-gov-west-1, us-isob-east-1, cn-northwest-1, eusc-de-east-1.
const REGION = '[a-z]{2,4}(?:-[a-z]{2,5})?-[a-z]{3,12}-\\d{1,2}';
// A partition-wide endpoint label, e.g. iam.us-gov.amazonaws.com (and iam.global.api.aws below).
const PARTITION = '[a-z]{2,4}-(?:gov|iso[a-z]?)';
// Every AWS partition's endpoint domains: commercial, dual-stack, China, European
// Sovereign Cloud, and the ISO partitions.
const DOMAIN =
  '(?:amazonaws\\.com(?:\\.cn)?|api\\.aws|api\\.amazonwebservices\\.com\\.cn|amazonwebservices\\.com\\.cn|amazonaws\\.eu|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov|cloud\\.adc-e\\.uk|csp\\.hci\\.ic\\.gov)';
// Services that mint or exchange credentials or control clusters: STS, IAM, EKS and
// its Pod Identity and OIDC endpoints, IAM Roles Anywhere, IAM Identity Center.
const SERVICE = '(?:sts|iam|eks|eks-auth|oidc\\.eks|rolesanywhere|sso|portal\\.sso|oidc)(?:-fips)?';
const LABELS = '(?:[a-z0-9-]+\\.)+';

export const AWS_CONTROL_PLANE_PATTERNS: readonly { pattern: RegExp; endpoint: string }[] = [
  {
    // sts.amazonaws.com, sts.us-east-1.amazonaws.com, sts-fips.us-east-2.amazonaws.com,
    // sts.us-east-1.api.aws, iam.cn-north-1.amazonaws.com.cn, iam.us-gov.amazonaws.com, iam.global.api.aws
    pattern: new RegExp(`^${SERVICE}(?:\\.dualstack)?(?:\\.(?:${REGION}|${PARTITION}|global))?\\.${DOMAIN}$`),
    endpoint: 'an AWS STS, IAM or EKS endpoint',
  },
  {
    // Interface VPC endpoints: vpce-0abc.sts.us-east-1.vpce.amazonaws.com
    pattern: new RegExp(`^${LABELS}${SERVICE}\\.${REGION}\\.vpce\\.${DOMAIN}$`),
    endpoint: 'an AWS STS, IAM or EKS VPC endpoint',
  },
  {
    // EKS cluster API servers: 0123ABCD.gr7.us-west-2.eks.amazonaws.com
    pattern: new RegExp(`^${LABELS}eks\\.${DOMAIN}$`),
    endpoint: 'an AWS EKS cluster API endpoint',
  },
];
