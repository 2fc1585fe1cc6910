import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.PATCH('/v1/webhooks/{webhook_id}', {
  params: { path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y' } },
  body: { enabled: false, description: null },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
console.log(data.enabled, data.disabled_reason);
