// A Go client of the Anchor Webhooks API built only from models that quicktype generated
// from the public bundle (models.go, written beside this file by the test). Standard
// library only; DisallowUnknownFields stays off, as a client must allow new fields.
//
//	client lifecycle <api base URL> <API key> <receiver URL>
//	client decode <fixtures.json>
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: client lifecycle <base> <key> <receiver> | client decode <fixtures.json>")
	}
	switch os.Args[1] {
	case "lifecycle":
		lifecycle(api{base: os.Args[2], key: os.Args[3]}, os.Args[4])
	case "decode":
		decode(os.Args[2])
	default:
		fail("unknown command " + os.Args[1])
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}

func check(ok bool, format string, args ...any) {
	if !ok {
		fail(format, args...)
	}
}

type api struct{ base, key string }

// call sends body (a generated request model, or nil) and decodes the answer into out after
// checking its status. It returns the raw answer.
func (a api) call(method, path string, body any, want int, out any) []byte {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		check(err == nil, "%s %s: encode: %v", method, path, err)
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequest(method, a.base+path, reader)
	check(err == nil, "%s %s: %v", method, path, err)
	req.Header.Set("anchor-api-key", a.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	check(err == nil, "%s %s: %v", method, path, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	check(err == nil, "%s %s: read: %v", method, path, err)
	check(res.StatusCode == want, "%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	if out != nil {
		check(json.Unmarshal(raw, out) == nil, "%s %s: decode %T: %s", method, path, out, raw)
	}
	fmt.Printf("ok %s %s %d\n", method, path, res.StatusCode)
	return raw
}

func ptr[T any](v T) *T { return &v }

func lifecycle(a api, receiverURL string) {
	var created WebhookWithSecret
	a.call("POST", "/v1/webhooks", CreateWebhookRequest{
		URL:              receiverURL,
		SubscribedEvents: []WebhookEventType{WebhookEventTypeTaskCompleted, WebhookEventTypeTaskFailed},
		Description:      ptr("Go client"),
	}, 201, &created)
	check(strings.HasPrefix(created.ID, "wh_") && len(created.Secret) == 64, "created: %+v", created)
	check(created.Description != nil && *created.Description == "Go client", "created description: %v", created.Description)
	path := "/v1/webhooks/" + created.ID

	var list WebhookListEnvelope
	a.call("GET", "/v1/webhooks", nil, 200, &list)
	found := false
	for _, w := range list.Data.Items {
		found = found || w.ID == created.ID
	}
	check(found && list.Data.Count == int64(len(list.Data.Items)), "list: %+v", list)

	var got WebhookPublic
	a.call("GET", path, nil, 200, &got)
	check(got.ID == created.ID && got.Enabled && got.DisabledReason == nil, "get: %+v", got)

	// Absent (nil, left out by omitempty) leaves the description as it is.
	var paused WebhookPublic
	a.call("PATCH", path, UpdateWebhookRequest{Enabled: ptr(false)}, 200, &paused)
	check(!paused.Enabled && paused.DisabledReason != nil && *paused.DisabledReason == "manual", "pause: %+v", paused)
	check(paused.Description != nil && *paused.Description == "Go client", "pause kept the description: %v", paused.Description)

	// "" clears it: the generated struct cannot send null for a field it omits when nil.
	var cleared WebhookPublic
	a.call("PATCH", path, UpdateWebhookRequest{Description: ptr(""), Enabled: ptr(true)}, 200, &cleared)
	check(cleared.Description == nil && cleared.Enabled && cleared.DisabledReason == nil, "clear: %+v", cleared)

	var rotated RotatedWebhook
	a.call("POST", path+"/rotate-secret", RotateWebhookSecretRequest{}, 200, &rotated)
	check(rotated.Secret != created.Secret && len(rotated.Secret) == 64 && rotated.PreviousSecretExpiresAt != nil, "rotate: %+v", rotated)

	var queued QueuedTestEvent
	a.call("POST", path+"/test", SendWebhookTestEventRequest{EventType: WebhookEventTypeTaskCompleted}, 202, &queued)
	check(strings.HasPrefix(queued.ExternalEventID, "evt_") && queued.EventType == "task.completed", "test event: %+v", queued)

	var deliveries WebhookDeliveryListEnvelope
	a.call("GET", path+"/events", nil, 200, &deliveries)
	check(len(deliveries.Data.Items) == 1 && deliveries.Data.Items[0].ID == queued.DeliveryID, "deliveries: %+v", deliveries)

	var detail WebhookDeliveryDetail
	a.call("GET", path+"/events/"+queued.DeliveryID, nil, 200, &detail)
	// The body sent, decoded first as the envelope every delivery has, then as the known payload.
	var envelope WebhookEventEnvelope
	check(json.Unmarshal([]byte(detail.Payload), &envelope) == nil && envelope.ID == queued.ExternalEventID, "payload envelope: %s", detail.Payload)
	var event WebhookEvent
	check(json.Unmarshal([]byte(detail.Payload), &event) == nil && event.Type == WebhookEventTypeTaskCompleted, "payload: %s", detail.Payload)

	var deleted DeletedWebhook
	a.call("DELETE", path, nil, 200, &deleted)
	check(deleted.Deleted && deleted.ID == created.ID, "delete: %+v", deleted)

	var gone Problem
	a.call("GET", path, nil, 404, &gone)
	check(gone.Code == "webhook_not_found" && gone.Status == 404, "problem: %+v", gone)

	var invalid Problem
	a.call("POST", "/v1/webhooks", CreateWebhookRequest{URL: receiverURL, SubscribedEvents: []WebhookEventType{"task.exploded"}}, 400, &invalid)
	check(invalid.Code == "validation_failed" && len(invalid.Errors) > 0 && invalid.Errors[0].Path == "/subscribed_events/0", "validation problem: %+v", invalid)

	summary, _ := json.Marshal(map[string]string{"webhook_id": created.ID, "delivery_id": queued.DeliveryID, "event_id": queued.ExternalEventID})
	fmt.Printf("summary %s\n", summary)
}

// decode reads {"<SchemaName>": <body>, ...} and decodes each body as that generated model.
func decode(file string) {
	raw, err := os.ReadFile(file)
	check(err == nil, "read %s: %v", file, err)
	var fixtures map[string]json.RawMessage
	check(json.Unmarshal(raw, &fixtures) == nil, "fixtures are not a JSON object")
	models := map[string]func() any{
		"WebhookEventTypeListEnvelope": func() any { return &WebhookEventTypeListEnvelope{} },
		"WebhookListEnvelope":          func() any { return &WebhookListEnvelope{} },
		"WebhookPublic":                func() any { return &WebhookPublic{} },
		"WebhookDeliveryListEnvelope":  func() any { return &WebhookDeliveryListEnvelope{} },
		"WebhookDeliveryDetail":        func() any { return &WebhookDeliveryDetail{} },
		"Problem":                      func() any { return &Problem{} },
		"WebhookEventEnvelope":         func() any { return &WebhookEventEnvelope{} },
	}
	for name, body := range fixtures {
		model, ok := models[name]
		check(ok, "no model for %s", name)
		target := model()
		check(json.Unmarshal(body, target) == nil, "decode %s: %s", name, body)
		fmt.Printf("ok decoded %s\n", name)
	}
}
