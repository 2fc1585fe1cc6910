curl -X GET "https://api.anchorbrowser.io/v1/webhook-event-types" \
  -H "anchor-api-key: $ANCHOR_API_KEY"
