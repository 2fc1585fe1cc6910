import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.get(f"{BASE_URL}/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/stats", headers=HEADERS, timeout=30)
response.raise_for_status()
stats = response.json()
print("last 24 h:", stats["counts"]["succeeded"], "succeeded,", stats["counts"]["dead"], "failed")
if stats["failing_since"]:
    print(f"failing since {stats['failing_since']}; disabled at {stats['auto_disable_at']} unless an attempt succeeds")
