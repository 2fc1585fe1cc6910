import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', {
  params: {
    path: { webhook_id: 'wh_01KRH160449P3Q6R8S2T4V5W7Y', delivery_id: '0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e' },
  },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
for (const attempt of data.attempts) console.log(attempt.attempt_number, attempt.status_code, attempt.error);
