import os
import uuid

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.post(
    f"{BASE_URL}/v1/webhooks",
    headers={**HEADERS, "Idempotency-Key": str(uuid.uuid4())},
    json={
        "url": "https://your-app.example.com/anchor/webhooks",
        "subscribed_events": ["task.completed", "task.failed"],
        "description": "Production task notifications",
    },
    timeout=30,
)
response.raise_for_status()
webhook = response.json()
# Shown once: store it in your secret manager now.
print(webhook["id"], webhook["secret"])
