// `@anchor-webhooks/server`: the reference server embedded in your own tests (the CLI is the
// `anchor-webhooks` bin). See the package's README for a complete vitest example.
export {
  startReferenceServer,
  type DeliveryDetail,
  type DeliveryQuery,
  type DeliveryStatus,
  type PublishedEvent,
  type ReferenceServer,
  type ReferenceServerOptions,
} from './reference-server.js';
export type { Clock } from './clock.js';
export type { ConfigOverrides, DeliveryConfig } from './config.js';
export type { ResolvedAddress, Resolver } from './url-policy/types.js';
