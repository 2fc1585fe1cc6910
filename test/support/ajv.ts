import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from './spec.js';

// CommonJS packages: under NodeNext their classes sit on `.default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
const DOC_ID = 'openapi.json';

/** An Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) that resolves `#/…` pointers into the bundle. */
export function createBundleValidator(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, DOC_ID);
  const cache = new Map<string, ValidateFunction>();
  return {
    /** Validator for the schema at a JSON pointer of the bundle, e.g. `/components/schemas/WebhookPublic`. */
    at(pointer: string): ValidateFunction {
      const cached = cache.get(pointer);
      if (cached) return cached;
      const fn = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      cache.set(pointer, fn);
      return fn;
    },
    schema(name: string): ValidateFunction {
      return this.at(`/components/schemas/${name}`);
    },
    errorsText(fn: ValidateFunction): string {
      return ajv.errorsText(fn.errors, { separator: '; ' });
    },
  };
}

export const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
