import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.GET('/v1/webhooks/{webhook_id}/stats', {
  params: { path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y' } },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
console.log('last 24 h:', data.counts.succeeded, 'succeeded,', data.counts.dead, 'failed');
if (data.failing_since) console.log(`failing since ${data.failing_since}; disabled at ${data.auto_disable_at} unless an attempt succeeds`);
