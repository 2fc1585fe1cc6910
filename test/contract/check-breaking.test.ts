import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundle, repoRoot } from '../support/spec.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'anchor-breaking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `npm run check:breaking`'s script on the released bundle against an edited copy. */
async function checkBreaking(edit: (doc: any) => void, accepted?: string, editReleased: (doc: any) => void = () => {}) {
  const released = loadBundle('public');
  editReleased(released);
  const current = structuredClone(loadBundle('public'));
  editReleased(current);
  edit(current);
  const releasedFile = join(dir, `released-${Math.random()}.json`);
  const currentFile = join(dir, `current-${Math.random()}.json`);
  writeFileSync(releasedFile, JSON.stringify(released));
  writeFileSync(currentFile, JSON.stringify(current));
  const acceptedArgs: string[] = [];
  if (accepted !== undefined) {
    const acceptedFile = join(dir, `accepted-${Math.random()}.yaml`);
    writeFileSync(acceptedFile, accepted);
    acceptedArgs.push('--accepted', acceptedFile);
  }
  try {
    const { stdout } = await run('node', ['openapi/scripts/check-breaking.mjs', '--released', releasedFile, '--current', currentFile, ...acceptedArgs], { cwd: repoRoot });
    return { code: 0, output: stdout };
  } catch (error: any) {
    return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
  }
}

const removeResponseField = (doc: any) => {
  const schema = doc.components.schemas.WebhookPublic;
  delete schema.properties.description;
  schema.required = schema.required.filter((f: string) => f !== 'description');
};
const narrowEnum = (doc: any) => {
  doc.components.schemas.WebhookEventType.enum = doc.components.schemas.WebhookEventType.enum.filter((t: string) => t !== 'task.healed');
};

describe('npm run check:breaking', () => {
  it('passes when the public contract is unchanged or only gains things', async () => {
    expect((await checkBreaking(() => {})).code).toBe(0);
    const added = await checkBreaking((doc) => {
      doc.components.schemas.WebhookPublic.properties.labels = { type: 'array', items: { type: 'string' }, description: 'Labels.' };
    });
    expect(added.code).toBe(0);
    const reworded = await checkBreaking((doc) => {
      doc.components.responses.DeliveryInProgress.description = 'Reworded for clarity.';
      doc.components.schemas.WebhookPublic.description = 'Reworded for clarity.';
    });
    expect(reworded.code).toBe(0);
  });

  it('catches a field removed from an event payload, which only `webhooks` uses', async () => {
    const result = await checkBreaking((doc) => {
      const data = doc.components.schemas.TaskFailedData;
      delete data.properties.recording_url;
      data.required = data.required.filter((f: string) => f !== 'recording_url');
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/webhooks\/task\.failed.*recording_url/);
  });

  it('catches a removed parameter enum value used through components', async () => {
    const result = await checkBreaking((doc) => {
      doc.components.schemas.DeliveryStatus.enum = doc.components.schemas.DeliveryStatus.enum.filter((s: string) => s !== 'dead');
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/DeliveryStatus: value `dead` removed/);
  });

  it('catches a removed response field and names it', async () => {
    const result = await checkBreaking(removeResponseField);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Breaking change/);
    expect(result.output).toMatch(/description/);
  });

  it('catches a narrowed enum and names it', async () => {
    const result = await checkBreaking(narrowEnum);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/WebhookEventType: value `task\.healed` removed \(POST \/v1\/webhooks/);
  });
});

describe('npm run check:breaking: open and closed enums', () => {
  const openEnum = (doc: any, name: string): string[] => doc.components.schemas[name]['x-extensible-enum'];

  it('adding a value to an open enum is not breaking (a new problem code)', async () => {
    const result = await checkBreaking((doc) => openEnum(doc, 'ProblemCode').push('webhook_paused'));
    expect(result.output).toMatch(/No breaking change/);
    expect(result.code).toBe(0);
  });

  it('a 14th event type is not breaking: closed for requests, open in responses and deliveries', async () => {
    const result = await checkBreaking((doc) => {
      doc.components.schemas.WebhookEventType.enum.push('task.paused');
      openEnum(doc, 'WebhookEventTypeName').push('task.paused');
      doc.components.schemas.SubscribedEvents.maxItems += 1;
      doc.components.schemas.TaskPausedEvent = { ...structuredClone(doc.components.schemas.TaskCompletedEvent), title: 'TaskPausedEvent' };
      doc.components.schemas.TaskPausedEvent.properties.type.const = 'task.paused';
      doc.webhooks['task.paused'] = structuredClone(doc.webhooks['task.completed']);
      doc.webhooks['task.paused'].post.operationId = 'taskPaused';
      doc.webhooks['task.paused'].post.requestBody.content['application/json'].schema = { $ref: '#/components/schemas/TaskPausedEvent' };
    });
    expect(result.output).toMatch(/No breaking change/);
    expect(result.code).toBe(0);
  });

  it('removing a value from an open enum is breaking, and names the enum, the value and where it is used', async () => {
    const result = await checkBreaking((doc) => {
      doc.components.schemas.ProblemCode['x-extensible-enum'] = openEnum(doc, 'ProblemCode').filter((c) => c !== 'rate_limited');
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/ProblemCode: value `rate_limited` removed \(POST \/v1\/webhooks/);
  });

  it('adding a value to a closed enum that clients receive is breaking (a new delivery status)', async () => {
    const result = await checkBreaking((doc) => doc.components.schemas.DeliveryStatus.enum.push('cancelled'));
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/DeliveryStatus: value `cancelled` added to a closed enum that clients receive \(GET \/v1\/webhooks\/\{webhook_id\}\/events/);
  });

  it('adding a value to a closed enum that only requests use is not breaking', async () => {
    const result = await checkBreaking((doc) => doc.components.schemas.WebhookEventType.enum.push('task.paused'));
    expect(result.code).toBe(0);
  });

  it('opening a closed enum with the same values is not breaking; closing it again and adding a value is', async () => {
    const opened = await checkBreaking((doc) => {
      const schema = doc.components.schemas.DeliveryStatus;
      schema['x-extensible-enum'] = schema.enum;
      delete schema.enum;
    });
    expect(opened.code).toBe(0);
    const closedAgain = await checkBreaking((doc) => {
      const schema = doc.components.schemas.ProblemCode;
      schema.enum = [...schema['x-extensible-enum'], 'webhook_paused'];
      delete schema['x-extensible-enum'];
    });
    expect(closedAgain.code).toBe(1);
    expect(closedAgain.output).toMatch(/ProblemCode: value `webhook_paused` added to a closed enum/);
  });

  it("ids are opaque: an id's pattern or length is no contract, a timestamp's format still is", async () => {
    const ids = await checkBreaking((doc) => {
      doc.components.schemas.WebhookId.pattern = '^wh_[0-9a-f]+$';
      doc.components.schemas.EventId.maxLength = 64;
    });
    expect(ids.code).toBe(0);
    const timestamp = await checkBreaking((doc) => delete doc.components.schemas.Timestamp.format);
    expect(timestamp.code).toBe(1);
    expect(timestamp.output).toMatch(/format/);
  });

  it('nullability moved from a type onto the properties that use it is no change; dropping it is', async () => {
    const notNull = (doc: any) => (doc.components.schemas.WebhookDescription.type = 'string');
    const moved = await checkBreaking((doc) => {
      notNull(doc);
      for (const name of ['CreateWebhookRequest', 'UpdateWebhookRequest', 'WebhookPublic']) {
        const property = doc.components.schemas[name].properties;
        property.description = { description: 'A description.', oneOf: [{ $ref: '#/components/schemas/WebhookDescription' }, { type: 'null' }] };
      }
    });
    expect(moved.output).toMatch(/No breaking change/);
    expect(moved.code).toBe(0);
    // Without it on the properties, `description: null` in a request is rejected: breaking.
    const dropped = await checkBreaking(notNull);
    expect(dropped.code).toBe(1);
    expect(dropped.output).toMatch(/description/);
  });

  it('allows a breaking change that comes with a new major version', async () => {
    const result = await checkBreaking((doc) => {
      narrowEnum(doc);
      doc.info.version = '2.0.0';
    });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/allowed by the new major version \(1\.0\.0 → 2\.0\.0\)/);
  });

  describe('openapi/released/accepted-breaking.yaml', () => {
    const lowerLimit = (doc: any) => {
      doc.components.parameters.Limit.schema.maximum = 50;
    };
    const where = 'paths./v1/webhooks/{webhook_id}/events.get.parameters.0.schema.maximum';

    it('waives exactly the place an entry names, for the released version it names, and prints the reason', async () => {
      expect((await checkBreaking(lowerLimit, '')).code).toBe(1);
      const waived = await checkBreaking(lowerLimit, `'1.0.0':\n  - where: ${where}\n    reason: pages of 50 at most\n`);
      expect(waived.code).toBe(0);
      expect(waived.output).toMatch(/Accepted breaking change: .*maximum.*limit.*Why: pages of 50 at most/);
      // Not anything else changed alongside it.
      const more = await checkBreaking((doc) => (lowerLimit(doc), narrowEnum(doc)), `'1.0.0':\n  - where: ${where}\n    reason: pages of 50 at most\n`);
      expect(more.code).toBe(1);
      expect(more.output).toMatch(/task\.healed/);
      expect(more.output.split('Breaking change(s)')[1]).not.toMatch(/parameters\.0\.schema\.maximum/);
      // An entry judged against another release does not apply to this one.
      expect((await checkBreaking(lowerLimit, `'0.9.0':\n  - where: ${where}\n    reason: old\n`)).code).toBe(1);
    });

    it('refuses an entry without a reason', async () => {
      const result = await checkBreaking(lowerLimit, `'1.0.0':\n  - where: ${where}\n`);
      expect(result.code).toBe(2);
      expect(result.output).toMatch(/needs a `where` and a `reason`/);
    });
  });

  describe('bounds (issue 14 §4)', () => {
    const unbounded = (doc: any) => {
      delete doc.components.schemas.Problem.properties.errors.maxItems;
      delete doc.components.schemas.Problem.properties.detail.maxLength;
      delete doc.components.schemas.WebhookDeliveryList.properties.count.format;
      delete doc.components.parameters.Limit.schema.format;
      delete doc.components.parameters.CreatedAfter.schema.maxLength;
    };

    it('a bound added to what the API sends breaks no client, though api-smart-diff calls some so', async () => {
      const result = await checkBreaking((doc) => {
        doc.components.schemas.Problem.properties.errors.maxItems = 50;
        doc.components.schemas.Problem.properties.detail.maxLength = 4096;
        doc.components.schemas.WebhookDeliveryList.properties.count.format = 'int32';
      }, '', unbounded);
      expect(result.code, result.output).toBe(0);
    });

    it('format int32 added to an integer parameter whose range already fits refuses nothing', async () => {
      const result = await checkBreaking((doc) => void (doc.components.parameters.Limit.schema.format = 'int32'), '', unbounded);
      expect(result.code, result.output).toBe(0);
      // Not when the range does not fit: then values are newly refused.
      const wider = (doc: any) => void (doc.components.parameters.Limit.schema.maximum = 2 ** 40);
      const narrowing = await checkBreaking((doc) => void (doc.components.parameters.Limit.schema.format = 'int32'), '', (doc) => (unbounded(doc), wider(doc)));
      expect(narrowing.code).toBe(1);
      expect(narrowing.output).toMatch(/format.*limit/);
    });

    it('a maxLength added to a request parameter is breaking unless accepted', async () => {
      const result = await checkBreaking((doc) => void (doc.components.parameters.CreatedAfter.schema.maxLength = 64), '', unbounded);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/maxLength.*created_after/);
    });
  });

  it('holds for the committed tree: generated/ is compatible with openapi/released/', async () => {
    const { stdout } = await run('node', ['openapi/scripts/check-breaking.mjs'], { cwd: repoRoot });
    expect(stdout).toMatch(/No breaking change|allowed by the new major version/);
  });
});
