import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { eventTypes } from '../../generated/contract.js';
import type { components } from '../../generated/schema.js';
import type { EventTypeInfo } from '../spec.js';
import { defaultEventText } from './event-text.js';

// CommonJS packages: under NodeNext their classes sit on `.default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export type EventType = components['schemas']['WebhookEventType'];
export type EventData = Record<string, unknown>;
export type DataIssue = { path: string; message: string };

type SpecDocument = { webhooks: Record<string, any>; components: Record<string, any> };

const DOC_ID = 'openapi.json';

/**
 * The event catalog: the event types with what the API lists of each (from generated/contract.ts),
 * their example data and their payload schemas, read from the `webhooks` section of the full
 * bundle. The spec is the only list of event types; each runtime owns one catalog.
 */
export type EventCatalog = {
  readonly types: readonly EventType[];
  /** `listWebhookEventTypes`' items, in spec order. */
  readonly info: readonly EventTypeInfo[];
  isEventType(value: string): value is EventType;
  /** The `data` of the example in the type's `webhooks` entry. */
  exampleData(type: EventType): EventData;
  /**
   * Issues of a whole delivery body against the `<Type>Event` schema its `type` names (an `id`,
   * a known `type`, `created`, `project_id`, `text` and valid `data`); empty when valid.
   */
  validateEvent(event: unknown): DataIssue[];
  /** Compiles every type's validator now, so that no publish pays for it (about 30 ms a type). */
  warmUp(): void;
};

export function createEventCatalog(doc: SpecDocument): EventCatalog {
  // validateSchema off: the whole OpenAPI document is added, which is not itself a JSON Schema, and
  // checking it against the meta-schema cost ~90 ms of every start (Redocly lints the spec).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc as object, DOC_ID);

  const entries = new Map<string, { eventPointer: string; example: EventData; body: Record<string, unknown> }>();
  for (const [type, item] of Object.entries(doc.webhooks)) {
    const media = item?.post?.requestBody?.content?.['application/json'];
    const ref: unknown = media?.schema?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) throw new Error(`webhooks.${type}: the request body schema is not a $ref`);
    const body = Object.values<{ value?: { data?: EventData } }>(media.examples ?? {})[0]?.value;
    const example = body?.data;
    if (!example) throw new Error(`webhooks.${type}: no example with data`);
    entries.set(type, { eventPointer: ref.slice(1), example, body });
  }
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (type: EventType): ValidateFunction => {
    let fn = validators.get(type);
    if (!fn) {
      fn = ajv.compile({ $ref: `${DOC_ID}#${entries.get(type)!.eventPointer}` });
      validators.set(type, fn);
    }
    return fn;
  };

  const types = [...entries.keys()] as EventType[];
  return {
    types,
    // What a test event of each type sends: the spec's example, with the summary a test event gets.
    info: eventTypes.map((info) => {
      const { body, example } = entries.get(info.type)!;
      return { ...info, example_payload: { ...body, text: defaultEventText(info.type, example) } } as unknown as EventTypeInfo;
    }),
    isEventType: (value): value is EventType => entries.has(value),
    exampleData: (type) => structuredClone(entries.get(type)!.example),
    validateEvent(event) {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) return [{ path: '', message: 'must be an object' }];
      const { type } = event as { type?: unknown };
      if (type === undefined) return [{ path: '', message: "must have required property 'type'" }];
      if (typeof type !== 'string' || !entries.has(type)) return [{ path: '/type', message: 'must be one of the event types of the spec' }];
      const validate = validatorFor(type as EventType);
      if (validate(event)) return [];
      return (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? 'is invalid' }));
    },
    warmUp() {
      for (const type of types) validatorFor(type);
    },
  };
}
