// The values `vite.config.ts` reads from generated/openapi.json at build time.
declare module 'virtual:spec-rules' {
  import type { components } from '../../generated/schema.js';

  /** `WebhookList.items.maxItems`: the most webhooks a project may have. */
  export const webhookLimit: number;
  /** `DeliveryStatus`'s enum, in spec order. */
  export const deliveryStatuses: components['schemas']['DeliveryStatus'][];
  /** The `limit` query parameter of the delivery log. */
  export const pageSize: { default: number; max: number };
  /** `previous_secret_ttl_seconds` of a rotation. */
  export const previousSecretTtl: { default: number; max: number };
  export const urlMaxLength: number;
  export const descriptionMaxLength: number;
}
