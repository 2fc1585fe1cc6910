import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.get(
    f"{BASE_URL}/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/events/0b9f7c52-6a1e-4f4b-9d8e-2f1c3a4b5d6e",
    headers=HEADERS,
    timeout=30,
)
response.raise_for_status()
for attempt in response.json()["attempts"]:
    print(attempt["attempt_number"], attempt["status_code"], attempt["error"])
