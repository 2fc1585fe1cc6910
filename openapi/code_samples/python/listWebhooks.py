import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.get(f"{BASE_URL}/v1/webhooks", headers=HEADERS, timeout=30)
response.raise_for_status()
for webhook in response.json()["data"]["items"]:
    print(webhook["id"], webhook["url"], webhook["enabled"])
