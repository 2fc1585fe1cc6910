/**
 * The webhook URL policy (SSRF rules). `checkWebhookUrl` is the one check for URLs;
 * the rest is what the delivery agent needs to enforce the same rules at connect time.
 */
export { checkWebhookUrl, checkWebhookUrlWithoutDns, type StaticVerdict } from './check-url.js';
export { checkResolvedAddress, ipLiteralOf } from './check-address.js';
export { createGuardedLookup, BlockedAddressError, type GuardedLookup, type GuardedLookupOptions } from './guarded-lookup.js';
export { systemResolver } from './system-resolver.js';
export type { ResolvedAddress, Resolver, UrlPolicyOptions, UrlRule, UrlVerdict } from './types.js';
