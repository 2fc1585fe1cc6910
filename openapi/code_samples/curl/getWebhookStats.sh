curl -X GET "https://api.anchorbrowser.io/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/stats" \
  -H "anchor-api-key: $ANCHOR_API_KEY"
