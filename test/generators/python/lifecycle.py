"""The webhook lifecycle against a running reference server with urllib only; every answer's
status is checked and its body validated against the documented schema in each bundle.

    python3 lifecycle.py <api base URL> <API key> <receiver URL> <bundle.json>...
"""
import json
import sys
import urllib.error
import urllib.request

from anchor_contract import Bundle


class Api:
    def __init__(self, base, key, bundles):
        self.base, self.key, self.bundles = base, key, bundles

    def call(self, method, template, want, body=None, **path):
        url = self.base + template.format(**path)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"anchor-api-key": self.key})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, content_type, raw = response.status, response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            status, content_type, raw = error.code, error.headers.get_content_type(), error.read()
        if status != want:
            raise SystemExit(f"FAIL {method} {template}: status {status}, want {want}: {raw[:500]!r}")
        value = json.loads(raw)
        for bundle in self.bundles:
            media_type, schema = bundle.response_schema(method, template, status)
            if content_type != media_type:
                raise SystemExit(f"FAIL {method} {template}: {content_type}, the {bundle.version} bundle documents {media_type}")
            errors = bundle.errors(schema, value)
            if errors:
                raise SystemExit(f"FAIL {method} {template} {status} breaks the {bundle.version} bundle: " + "; ".join(errors))
        print(f"ok {method} {template} {status}")
        return value


def check(ok, message):
    if not ok:
        raise SystemExit(f"FAIL {message}")


def main(base, key, receiver_url, *bundle_paths):
    api = Api(base, key, [Bundle(p) for p in bundle_paths])
    created = api.call("POST", "/v1/webhooks", 201, {"url": receiver_url, "subscribed_events": ["task.completed"], "description": "Python client"})
    check(created["id"].startswith("wh_") and len(created["secret"]) == 64, f"created: {created}")
    wid = created["id"]

    listed = api.call("GET", "/v1/webhooks", 200)
    check(wid in [w["id"] for w in listed["data"]["items"]], f"list: {listed}")
    got = api.call("GET", "/v1/webhooks/{webhook_id}", 200, webhook_id=wid)
    check(got["description"] == "Python client" and "secret" not in got, f"get: {got}")

    # Merge-patch: absent keeps the description; null clears it; "" clears it too.
    paused = api.call("PATCH", "/v1/webhooks/{webhook_id}", 200, {"enabled": False}, webhook_id=wid)
    check(paused["description"] == "Python client" and paused["disabled_reason"] == "manual", f"pause: {paused}")
    cleared = api.call("PATCH", "/v1/webhooks/{webhook_id}", 200, {"description": None, "enabled": True}, webhook_id=wid)
    check(cleared["description"] is None and cleared["enabled"], f"clear with null: {cleared}")
    api.call("PATCH", "/v1/webhooks/{webhook_id}", 200, {"description": "again"}, webhook_id=wid)
    emptied = api.call("PATCH", "/v1/webhooks/{webhook_id}", 200, {"description": ""}, webhook_id=wid)
    check(emptied["description"] is None, f'clear with "": {emptied}')

    rotated = api.call("POST", "/v1/webhooks/{webhook_id}/rotate-secret", 200, {"previous_secret_ttl_seconds": 60}, webhook_id=wid)
    check(rotated["secret"] != created["secret"], f"rotate: {rotated}")
    queued = api.call("POST", "/v1/webhooks/{webhook_id}/test", 202, {"event_type": "task.completed"}, webhook_id=wid)
    deliveries = api.call("GET", "/v1/webhooks/{webhook_id}/events", 200, webhook_id=wid)
    check([d["id"] for d in deliveries["data"]["items"]] == [queued["delivery_id"]], f"deliveries: {deliveries}")
    detail = api.call("GET", "/v1/webhooks/{webhook_id}/events/{delivery_id}", 200, webhook_id=wid, delivery_id=queued["delivery_id"])
    payload = json.loads(detail["payload"])
    for bundle in api.bundles:
        errors = bundle.errors({"$ref": "#/components/schemas/WebhookEvent"}, payload)
        check(not errors, f"the delivery body breaks WebhookEvent in the {bundle.version} bundle: {errors}")

    deleted = api.call("DELETE", "/v1/webhooks/{webhook_id}", 200, webhook_id=wid)
    check(deleted["deleted"] is True, f"delete: {deleted}")
    gone = api.call("GET", "/v1/webhooks/{webhook_id}", 404, webhook_id=wid)
    check(gone["code"] == "webhook_not_found", f"problem: {gone}")
    invalid = api.call("POST", "/v1/webhooks", 400, {"url": receiver_url, "subscribed_events": ["task.exploded"]})
    check(invalid["code"] == "validation_failed" and invalid["errors"][0]["path"] == "/subscribed_events/0", f"validation problem: {invalid}")
    print("summary " + json.dumps({"webhook_id": wid, "delivery_id": queued["delivery_id"], "event_id": queued["external_event_id"]}))


if __name__ == "__main__":
    main(*sys.argv[1:])
