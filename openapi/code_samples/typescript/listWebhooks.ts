import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.GET('/v1/webhooks');
if (error) throw new Error(`${error.code}: ${error.detail}`);
for (const webhook of data.data.items) console.log(webhook.id, webhook.url, webhook.enabled);
