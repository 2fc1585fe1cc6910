import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.POST('/v1/webhooks/{webhook_id}/rotate-secret', {
  params: { path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y' } },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
// Shown once. The previous secret keeps verifying until previous_secret_expires_at.
console.log(data.secret, data.previous_secret_expires_at);
