import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/spec.js';

const run = promisify(execFile);

/** Runs the drift check in a scratch copy of the repository, so the real tree is never touched. */
async function checkGenerated(cwd: string) {
  try {
    const { stdout, stderr } = await run('node', ['openapi/scripts/generate.mjs', '--check'], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error: any) {
    return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
  }
}

// Each run bundles the spec twice with Redocly: seconds each, far more on a loaded machine.
describe('npm run check:generated', { timeout: 120_000 }, () => {
  let copy: string;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'anchor-drift-'));
    for (const entry of ['openapi', 'generated', 'redocly.yaml', 'package.json']) {
      cpSync(join(repoRoot, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('passes on the committed tree', async () => {
    const result = await checkGenerated(copy);
    expect(result.output).toContain('generated/ is up to date');
    expect(result.code).toBe(0);
  });

  it('fails after an edit to openapi/ until generated/ is regenerated', async () => {
    const file = join(copy, 'openapi/components/schemas/WebhookEventType.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - task.healed\n', ''));

    const stale = await checkGenerated(copy);
    expect(stale.code).toBe(1);
    expect(stale.output).toMatch(/generated\/ is stale: openapi\.json, openapi\.public\.json, openapi\.public\.3\.0\.json, schema\.d\.ts/);

    await run('node', ['openapi/scripts/generate.mjs'], { cwd: copy });
    const fresh = await checkGenerated(copy);
    expect(fresh.code).toBe(0);
    const regenerated = JSON.parse(readFileSync(join(copy, 'generated/openapi.json'), 'utf8'));
    expect(regenerated.components.schemas.WebhookEventType.enum).not.toContain('task.healed');
    // The 3.0 companion follows: its closed request-side list and the open response-side one.
    const regenerated30 = JSON.parse(readFileSync(join(copy, 'generated/openapi.public.3.0.json'), 'utf8'));
    expect(regenerated30.openapi).toBe('3.0.3');
    expect(regenerated30.components.schemas.WebhookEventType.enum).not.toContain('task.healed');
    expect(regenerated30.components.schemas.WebhookEventTypeName['x-extensible-enum']).not.toContain('task.healed');
  });
});
