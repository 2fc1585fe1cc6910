// The few numbers and enums the UI needs, from generated/contract.ts (`npm run generate`):
// never restated by hand, and the 200 KB spec is not shipped to the browser.
import { deliveryLogPage, deliveryStatuses as statuses, descriptionMaxLength as descriptionMax, previousSecretTtlSeconds, webhookLimit as limit, webhookUrlLength } from '../../generated/contract.js';
import type { components } from '../../generated/schema.js';

/** The most webhooks a project may have. */
export const webhookLimit: number = limit;
/** `DeliveryStatus`'s enum, in spec order. */
export const deliveryStatuses: readonly components['schemas']['DeliveryStatus'][] = statuses;
/** The `limit` query parameter of the delivery log. */
export const pageSize = { default: deliveryLogPage.limit.default as number, max: deliveryLogPage.limit.max as number };
/** `previous_secret_ttl_seconds` of a rotation. */
export const previousSecretTtl = { default: previousSecretTtlSeconds.default as number, max: previousSecretTtlSeconds.max as number };
export const urlMaxLength: number = webhookUrlLength.max;
export const descriptionMaxLength: number = descriptionMax;
