import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundle, repoRoot, type OpenApiDocument } from '../support/spec.js';

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
const publicSpec = join(repoRoot, 'generated/openapi.public.json');

type Finding = { kind: string; pointer: string };

/**
 * Schemas that generators in other languages would turn into invented names
 * (InlineResponse200, CreateWebhookRequestSubscribedEventsEnum…): inline objects
 * with properties and inline enums. Component schemas and $refs are named.
 * A string `const` is allowed only as the discriminator of a oneOf member, where
 * generators use the mapping, and in header parameters (a webhook's included) and response headers.
 */
function anonymousSchemas(doc: OpenApiDocument): Finding[] {
  const discriminators = new Set<string>();
  for (const schema of Object.values<any>(doc.components.schemas ?? {})) {
    if (schema.discriminator) for (const member of schema.oneOf ?? []) discriminators.add(`${member.$ref.split('/').pop()}.${schema.discriminator.propertyName}`);
  }
  const findings: Finding[] = [];
  const visit = (node: any, pointer: string, inSchema: boolean) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${pointer}/${i}`, inSchema));
    const named = /^\/components\/schemas\/[^/]+$/.test(pointer);
    if (inSchema && !named && !node.$ref) {
      if (node.enum) findings.push({ kind: 'inline enum', pointer });
      if (node.properties) findings.push({ kind: 'inline object', pointer });
      if (typeof node.const === 'string') {
        const [, , , schemaName, , property] = pointer.split('/');
        // A webhook's own header parameters: each event's Anchor-Event is that event's type.
        const headerParameter = /^\/components\/(parameters|headers)\//.test(pointer) || /^\/webhooks\/[^/]+\/post\/parameters\/\d+\/schema$/.test(pointer);
        const allowed = discriminators.has(`${schemaName}.${property}`) || headerParameter;
        if (!allowed) findings.push({ kind: 'inline const', pointer });
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') continue;
      visit(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, inSchema || key === 'schema' || pointer === '/components' && key === 'schemas');
    }
  };
  visit(doc, '', false);
  return findings;
}

describe('generator friendliness of the public bundle', () => {
  it('has no inline object, inline enum or stray const that a generator would have to name', () => {
    expect(anonymousSchemas(loadBundle('public'))).toEqual([]);
  });

  it('the check itself finds an inline response object and an inline enum', () => {
    const doc = structuredClone(loadBundle('public'));
    doc.paths['/v1/webhooks']!.get.responses['200'].content['application/json'].schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    doc.components.schemas!.CreateWebhookRequest.properties.mode = { type: 'string', enum: ['a', 'b'] };
    expect(anonymousSchemas(doc).map((f) => f.kind).sort()).toEqual(['inline enum', 'inline object']);
  });

  it('names every component schema with a title equal to its key', () => {
    for (const [name, schema] of Object.entries<any>(loadBundle('public').components.schemas ?? {})) {
      expect(schema.title, name).toBe(name);
    }
  });
});

const bundle30 = (): OpenApiDocument => JSON.parse(readFileSync(join(repoRoot, 'generated/openapi.public.3.0.json'), 'utf8'));

/** Every component schema `node` reaches through $refs (schemas, parameters, responses, headers). */
function reachableSchemas(doc: OpenApiDocument, node: unknown): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (n: any): void => {
    if (!n || typeof n !== 'object') return;
    if (typeof n.$ref === 'string' && !seen.has(n.$ref)) {
      seen.add(n.$ref);
      const [, , kind, name] = n.$ref.split('/');
      if (kind === 'schemas') names.add(name);
      visit(doc.components[kind]?.[name]);
    }
    for (const [key, child] of Object.entries(n)) if (key !== 'example' && key !== 'examples') visit(child);
  };
  visit(node);
  return names;
}

describe('enums for generators in other languages', () => {
  it.each([
    ['3.1', () => loadBundle('public')],
    ['3.0', bundle30],
  ])('no enum holds null in the %s public bundle (nullability is on the property)', (_v, load) => {
    const withNull: string[] = [];
    const visit = (n: any, pointer: string): void => {
      if (!n || typeof n !== 'object') return;
      for (const key of ['enum', 'x-extensible-enum']) if (Array.isArray(n[key]) && n[key].includes(null)) withNull.push(`${pointer}/${key}`);
      for (const [key, child] of Object.entries(n)) if (key !== 'example' && key !== 'examples') visit(child, `${pointer}/${key}`);
    };
    visit(load(), '');
    expect(withNull).toEqual([]);
  });

  it('every set that answers and deliveries carry is open, except the delivery status; every set requests send is closed', () => {
    const doc = loadBundle('public');
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item).filter((op: any) => op?.responses));
    const received = reachableSchemas(doc, [operations.map((op: any) => op.responses), doc.webhooks]);
    const sent = reachableSchemas(doc, [Object.values(doc.paths).map((item: any) => item.parameters), operations.map((op: any) => [op.parameters, op.requestBody])]);
    const schemas = doc.components.schemas!;
    const closed = (name: string) => Array.isArray(schemas[name]!.enum) && schemas[name]!.enum.length > 1;
    const open = (name: string) => Array.isArray(schemas[name]!['x-extensible-enum']);
    expect([...received].filter(closed).sort()).toEqual(['DeliveryStatus']);
    expect([...received].filter(open).length).toBeGreaterThan(10);
    expect([...sent].filter(open)).toEqual([]);
    expect([...sent].filter(closed).sort()).toEqual(['DeliveryStatus', 'WebhookEventType']);
  });
});

describe('SDKs generated from the public bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchor-generators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const strictTsconfig = (include: string) =>
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM', 'DOM.Iterable'], noEmit: true, types: [] },
      include: [include],
    });

  const generators: Array<[string, string, (out: string) => string[]]> = [
    ['@hey-api/openapi-ts', 'hey-api', (out) => [bin('openapi-ts'), '-i', publicSpec, '-o', out]],
    ['orval', 'orval', (out) => [bin('orval'), '--input', publicSpec, '--output', join(out, 'api.ts'), '--client', 'fetch']],
  ];

  it.each(generators)('%s generates without a warning and compiles with tsc --strict', async (_name, folder, command) => {
    const project = join(dir, folder);
    const [file, ...args] = command(join(project, 'src'));
    const { stdout, stderr } = await run(file!, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => /warn|⚠|error|invalid|not supported/i.test(line));
    expect(warnings).toEqual([]);
    if (folder === 'hey-api') {
      // A schema named like a generator's own <operationId>Response gets a numeric suffix.
      const types = readFileSync(join(project, 'src/types.gen.ts'), 'utf8');
      expect(types.match(/^export type [A-Za-z]+\d+ =/gm) ?? []).toEqual([]);
    }
    writeFileSync(join(project, 'tsconfig.json'), strictTsconfig('src'));
    const compiled = await run(bin('tsc'), ['-p', project]).then(() => '', (error) => `${error.stdout}${error.stderr}`);
    expect(compiled).toBe('');
  }, 90_000);
});
