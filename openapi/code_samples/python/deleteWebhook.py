import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.delete(f"{BASE_URL}/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y", headers=HEADERS, timeout=30)
response.raise_for_status()
print(response.json()["deleted_at"])
