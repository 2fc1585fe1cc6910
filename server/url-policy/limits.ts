import { webhookUrlLength } from '../../generated/contract.js';

/** URL length limits: the contract's `WebhookUrl` schema, derived at generate time. */
export const MIN_URL_LENGTH: number = webhookUrlLength.min;
export const MAX_URL_LENGTH: number = webhookUrlLength.max;
