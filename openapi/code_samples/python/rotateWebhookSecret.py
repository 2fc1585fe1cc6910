import os

import requests

BASE_URL = "https://api.anchorbrowser.io"
HEADERS = {"anchor-api-key": os.environ["ANCHOR_API_KEY"]}

response = requests.post(f"{BASE_URL}/v1/webhooks/wh_01KRH160449P3Q6R8S2T4V5W7Y/rotate-secret", headers=HEADERS, timeout=30)
response.raise_for_status()
rotated = response.json()
# Shown once. The previous secret keeps verifying until previous_secret_expires_at.
print(rotated["secret"], rotated["previous_secret_expires_at"])
