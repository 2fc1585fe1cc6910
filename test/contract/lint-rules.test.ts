/** The project's own lint rules on enums (openapi/plugins/anchor-rules.js), on small documents. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { repoRoot } from '../support/spec.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'anchor-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'redocly.yaml');
writeFileSync(
  config,
  stringify({
    plugins: [join(repoRoot, 'openapi/plugins/anchor-rules.js')],
    rules: { 'anchor/no-null-in-enum': 'error', 'anchor/open-enum-shape': 'error' },
  }),
);

async function lint(schemas: Record<string, unknown>) {
  const file = join(dir, `spec-${Math.random()}.yaml`);
  writeFileSync(file, stringify({ openapi: '3.1.0', info: { title: 't', version: '1.0.0' }, paths: {}, components: { schemas } }));
  try {
    const { stdout, stderr } = await run(join(repoRoot, 'node_modules/.bin/redocly'), ['lint', file, '--config', config, '--format=stylish'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error: any) {
    return { code: error.code as number, output: `${error.stdout}${error.stderr}` };
  }
}

describe('anchor/no-null-in-enum', () => {
  it('fails on null inside an enum, open or closed, and passes nullability on the property', async () => {
    const bad = await lint({
      Reason: { type: ['string', 'null'], enum: ['manual', null] },
      Open: { type: 'string', 'x-extensible-enum': ['a', null] },
    });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/anchor\/no-null-in-enum[\s\S]*`enum` must not contain null/);
    expect(bad.output).toMatch(/`x-extensible-enum` must not contain null/);

    const good = await lint({
      Reason: { type: 'string', enum: ['manual'] },
      Webhook: { type: 'object', properties: { reason: { oneOf: [{ $ref: '#/components/schemas/Reason' }, { type: 'null' }] } } },
    });
    expect(good.output).not.toMatch(/anchor\//);
    expect(good.code).toBe(0);
  });
});

describe('anchor/open-enum-shape', () => {
  it('an open enum is a string with unique known values and no enum beside them', async () => {
    const bad = await lint({
      NotString: { type: 'integer', 'x-extensible-enum': ['1'] },
      Both: { type: 'string', enum: ['a'], 'x-extensible-enum': ['a'] },
      Empty: { type: 'string', 'x-extensible-enum': [] },
      Duplicate: { type: 'string', 'x-extensible-enum': ['a', 'a'] },
    });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/An open enum must be `type: string`/);
    expect(bad.output).toMatch(/An open enum has no `enum`/);
    expect(bad.output.match(/must be a non-empty list of unique, non-empty strings/g)).toHaveLength(2);

    const good = await lint({ Code: { type: 'string', 'x-extensible-enum': ['a', 'b'] } });
    expect(good.code).toBe(0);
  });
});
