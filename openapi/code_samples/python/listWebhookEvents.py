import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.get(
    f"{BASE_URL}/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/events",
    headers=HEADERS,
    params={"status": "failed", "limit": 25},
    timeout=30,
)
response.raise_for_status()
for delivery in response.json()["data"]["items"]:
    print(delivery["event_type"], delivery["status"], delivery["attempt_count"])
