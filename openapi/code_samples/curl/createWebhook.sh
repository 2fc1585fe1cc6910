curl -X POST "https://api.anchorbrowser.io/v1/webhooks" \
  -H "anchor-api-key: $ANCHOR_API_KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: $(uuidgen)" \
  -d '{
    "url": "https://your-app.example.com/anchor/webhooks",
    "subscribed_events": ["task.completed", "task.failed"],
    "description": "Production task notifications"
  }'
