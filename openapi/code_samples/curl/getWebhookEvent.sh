curl -X GET "https://api.anchorbrowser.io/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/events/0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e" \
  -H "anchor-api-key: $ANCHOR_API_KEY"
