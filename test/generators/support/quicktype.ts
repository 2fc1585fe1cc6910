/**
 * Models for other languages generated offline by quicktype (quicktype-core, pinned in
 * package.json), as a user of the public bundle would: the bundle's component schemas are
 * JSON Schema (OpenAPI 3.1), and each becomes a named type.
 */
import { FetchingJSONSchemaStore, InputData, JSONSchemaInput, quicktype } from 'quicktype-core';
import type { OpenApiDocument } from '../../support/spec.js';

export type QuicktypeLanguage = 'go' | 'python';

/**
 * Go: package `main`, `omitempty` on every optional field (`--omit-empty`): without it a nil
 * pointer is sent as `null`, and an update that leaves `description` out would clear it.
 * Python: dataclasses with `from_dict`/`to_dict` (needs dateutil).
 */
const OPTIONS: Record<QuicktypeLanguage, Record<string, string>> = {
  go: { package: 'main', 'omit-empty': 'true' },
  python: { 'python-version': '3.7' },
};

export async function quicktypeModels(bundle: OpenApiDocument, lang: QuicktypeLanguage): Promise<string> {
  const schemas = bundle.components.schemas ?? {};
  const text = JSON.stringify({ definitions: schemas }).replaceAll('"#/components/schemas/', '"#/definitions/');
  const input = new JSONSchemaInput(new FetchingJSONSchemaStore());
  // The top-level types are the bodies a client sends and reads: objects and unions. The
  // scalars (ids, enums) are generated where they are used; quicktype 26 declares no Go type
  // for a nullable scalar at the top level.
  const bodies = Object.entries(schemas).filter(([, s]) => s.type === 'object' || s.allOf || s.oneOf).map(([name]) => name);
  for (const name of bodies) await input.addSource({ name, uris: [`anchor.json#/definitions/${name}`], schema: text });
  const inputData = new InputData();
  inputData.addInput(input);
  const result = await quicktype({ inputData, lang, rendererOptions: OPTIONS[lang] });
  return result.lines.join('\n') + '\n';
}
