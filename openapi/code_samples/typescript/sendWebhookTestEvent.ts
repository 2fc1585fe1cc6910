import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.POST('/v1/webhooks/{webhook_id}/test', {
  params: { path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y' } },
  body: { event_type: 'task.completed' },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
console.log(data.external_event_id, data.delivery_id);
