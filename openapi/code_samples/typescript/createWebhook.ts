import { createAnchorClient } from '@anchor-webhooks/client';

const anchor = createAnchorClient({ apiKey: process.env.ANCHOR_API_KEY!, baseUrl: 'https://api.anchorbrowser.io' });

const { data, error } = await anchor.POST('/v1/webhooks', {
  params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
  body: {
    url: 'https://your-app.example.com/anchor/webhooks',
    subscribed_events: ['task.completed', 'task.failed'],
    description: 'Production task notifications',
  },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
// Shown once: store it in your secret manager now.
console.log(data.id, data.secret);
