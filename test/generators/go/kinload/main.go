// Loads an OpenAPI document with kin-openapi (Debian's golang-github-getkin-kin-openapi-dev),
// as a Go user's generator or validator would, and validates it: structure, references,
// and every example against its schema.
//
//	kinload <file>   exit 0 and "ok" when it loads and validates, else the error and exit 1
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(os.Args[1])
	if err != nil {
		fmt.Printf("load failed: %v\n", err)
		os.Exit(1)
	}
	if err := doc.Validate(context.Background()); err != nil {
		fmt.Printf("validation failed: %v\n", err)
		os.Exit(1)
	}
	// One delivery body through kin-openapi's own schema validator: payload schemas live in
	// components in 3.0, which has no webhooks.
	event := map[string]any{"id": "evt_0123456789abcdef01234567", "type": "task.paused", "created": "2026-05-14T09:21:07.512Z",
		"project_id": "5d2c31f6-ab7e-481a-b6fd-8b4a96a4e197", "text": "A newer event type", "data": map[string]any{}}
	if err := doc.Components.Schemas["WebhookEventEnvelope"].Value.VisitJSON(event); err != nil {
		fmt.Printf("an unknown event type does not validate as WebhookEventEnvelope: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("ok %s: %d paths, %d schemas\n", doc.OpenAPI, len(doc.Paths), len(doc.Components.Schemas))
}
