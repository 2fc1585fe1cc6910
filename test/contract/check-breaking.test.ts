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
async function checkBreaking(edit: (doc: any) => void) {
  const released = loadBundle('public');
  const current = structuredClone(released);
  edit(current);
  const releasedFile = join(dir, `released-${Math.random()}.json`);
  const currentFile = join(dir, `current-${Math.random()}.json`);
  writeFileSync(releasedFile, JSON.stringify(released));
  writeFileSync(currentFile, JSON.stringify(current));
  try {
    const { stdout } = await run('node', ['openapi/scripts/check-breaking.mjs', '--released', releasedFile, '--current', currentFile], { cwd: repoRoot });
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
    expect(result.output).toMatch(/status/);
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
    expect(result.output).toMatch(/subscribed_events|event_type/);
  });

  it('allows a breaking change that comes with a new major version', async () => {
    const result = await checkBreaking((doc) => {
      narrowEnum(doc);
      doc.info.version = '2.0.0';
    });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/allowed by the new major version \(1\.0\.0 → 2\.0\.0\)/);
  });

  it('holds for the committed tree: generated/ is compatible with openapi/released/', async () => {
    const { stdout } = await run('node', ['openapi/scripts/check-breaking.mjs'], { cwd: repoRoot });
    expect(stdout).toMatch(/No breaking change|allowed by the new major version/);
  });
});
