import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.GET('/v1/webhooks/{webhook_id}/events', {
  params: {
    path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y' },
    query: { status: 'failed', limit: 25 },
  },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
for (const delivery of data.data.items) console.log(delivery.event_type, delivery.status, delivery.attempt_count);
