import type { webhooks } from '../generated/schema.js';

// Every type here is read off the spec's `webhooks` section (generated/schema.d.ts):
// adding an event type to the spec adds it to the union with no change in this file.

/** An event type Anchor delivers, e.g. `task.completed`. */
export type WebhookEventType = keyof webhooks & string;

/** The body of a delivery of one event type: `WebhookEventOf<'task.failed'>['data']['error']`. */
export type WebhookEventOf<T extends WebhookEventType> = webhooks[T]['post']['requestBody']['content']['application/json'];

/** Any delivery body, discriminated by `type`: narrow with `if (event.type === 'task.failed')`. */
export type WebhookEvent = { [T in WebhookEventType]: WebhookEventOf<T> }[WebhookEventType];

/** The headers every delivery carries, as the spec declares them on each `webhooks` entry. */
export type WebhookDeliveryHeaders = webhooks[WebhookEventType]['post']['parameters']['header'] & {
  'Content-Type': 'application/json';
};
