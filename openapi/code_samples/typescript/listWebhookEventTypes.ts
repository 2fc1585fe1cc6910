import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.GET('/v1/webhook-event-types');
if (error) throw new Error(`${error.code}: ${error.detail}`);
for (const eventType of data.data.items) console.log(eventType.type, eventType.description);
