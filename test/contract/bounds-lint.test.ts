/**
 * The three bound rules of openapi/plugins/anchor-rules.js (issue 14 §4): a new string without a
 * maxLength (or enum, const, bounded format), an integer without a format, minimum and maximum,
 * or an array without maxItems fails `npm run lint`. Run on a copy of openapi/ with one of each.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/spec.js';

const run = promisify(execFile);
let dir: string;
let output = '';
let code = 0;

/** Replaces `from` (which must be there) with `to` in a file of the copy. */
function edit(file: string, from: string, to: string) {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-bounds-lint-'));
  cpSync(join(repoRoot, 'openapi'), join(dir, 'openapi'), { recursive: true });
  cpSync(join(repoRoot, 'redocly.yaml'), join(dir, 'redocly.yaml'));
  edit('openapi/components/schemas/WebhookDescription.yaml', 'maxLength: 256\n', '');
  edit('openapi/components/parameters/Limit.yaml', '  format: int32\n', '');
  edit('openapi/components/schemas/SubscribedEvents.yaml', 'maxItems: 13\n', '');
  edit('openapi/components/schemas/BatchRunCounts.yaml', '    maximum: 2147483647\n', '');
  try {
    const result = await run(join(repoRoot, 'node_modules/.bin/redocly'), ['lint', 'full', '--format=stylish'], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } });
    output = `${result.stdout}${result.stderr}`;
  } catch (error: any) {
    code = error.code;
    output = `${error.stdout}${error.stderr}`;
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const findings = () => output.split('\n').filter((line) => /anchor\/(string|integer|array)-bounded/.test(line));

describe('bound lint rules', () => {
  it('fail the lint on an unbounded string, integer and array, each at its place', () => {
    expect(code).not.toBe(0);
    expect(output).toMatch(/WebhookDescription\.yaml:\s*\n\s*\d+:\d+\s+error\s+anchor\/string-bounded\s+Strings need a `maxLength`/);
    expect(output).toMatch(/Limit\.yaml:\s*\n\s*\d+:\d+\s+error\s+anchor\/integer-bounded\s+Integers need `format` \(int32 or int64\)\./);
    expect(output).toMatch(/SubscribedEvents\.yaml:\s*\n\s*\d+:\d+\s+error\s+anchor\/array-bounded\s+Arrays need a `maxItems`/);
    expect(output).toMatch(/anchor\/integer-bounded\s+Integers need `maximum`\./);
  });

  it('report nothing else: the rest of the spec is bounded', () => {
    expect(findings()).toHaveLength(4);
  });
});
