import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.get(f"{BASE_URL}/v1/webhook-event-types", headers=HEADERS, timeout=30)
response.raise_for_status()
for event_type in response.json()["data"]["items"]:
    print(event_type["type"], event_type["description"])
