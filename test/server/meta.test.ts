/** The routes beside the API: health, docs, the public spec; and problem+json (never HTML) off the API's routes. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createBundleValidator } from '../support/ajv.js';
import { loadBundle, repoRoot } from '../support/spec.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const spec = loadBundle('full');
const isProblem = createBundleValidator(spec).schema('Problem');

let dir: string;
let t: TestApp;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-meta-'));
  t = await startTestApp({ overrides: { docsFile: join(dir, 'index.html') } });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('meta routes', () => {
  it('/healthz answers 200 JSON without a key', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/openapi.json and /openapi.yaml serve the public bundle, without internal operations', async () => {
    const json = await fetch(`${t.baseUrl}/openapi.json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await json.json();
    expect(body).toEqual(loadBundle('public'));
    expect(JSON.stringify(body)).not.toContain('publishEvent');

    const yaml = await fetch(`${t.baseUrl}/openapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(body);
  });

  it('/openapi.3.0.json serves the OpenAPI 3.0.3 companion of the public bundle', async () => {
    const res = await fetch(`${t.baseUrl}/openapi.3.0.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body.openapi).toBe('3.0.3');
    expect(body).toEqual(JSON.parse(readFileSync(join(repoRoot, 'generated/openapi.public.3.0.json'), 'utf8')));
    expect(Object.keys(body.paths)).toEqual(Object.keys(loadBundle('public').paths));
    expect(JSON.stringify(body)).not.toContain('publishEvent');
  });

  it('/docs serves the built page, or a 503 problem saying how to build it', async () => {
    const missing = await fetch(`${t.baseUrl}/docs`);
    expect(missing.status).toBe(503);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await missing.json()).detail).toMatch(/npm run docs/);

    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Anchor Webhooks API</title>');
    const built = await fetch(`${t.baseUrl}/docs`);
    expect(built.status).toBe(200);
    expect(built.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await built.text()).toContain('Anchor Webhooks API');
  });

  it('/docs runs under a Content-Security-Policy: its own inline scripts by hash, no other origin, never framed', async () => {
    const script = 'document.title = "x";';
    writeFileSync(join(dir, 'index.html'), `<!doctype html><script>${script}</script><script type="module">\nimport("./y");\n</script><script src="/z.js"></script>`);
    const res = await fetch(`${t.baseUrl}/docs`);
    const policy = res.headers.get('content-security-policy')!;
    const directives = Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(directives['script-src']).toEqual([sha(script), sha('\nimport("./y");\n')]);
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(policy).not.toMatch(/https?:|unsafe-eval|\*/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    // A rebuilt page (npm run docs while serving) gets the hashes of its new scripts.
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script>let rebuilt = 1;</script>');
    const again = await fetch(`${t.baseUrl}/docs`);
    expect(again.headers.get('content-security-policy')).toContain(sha('let rebuilt = 1;'));
    expect(again.headers.get('content-security-policy')).not.toContain(sha(script));
  });

  it('/openapi.json, /openapi.yaml and /healthz are nosniff', async () => {
    for (const path of ['/openapi.json', '/openapi.yaml', '/healthz']) {
      expect((await fetch(`${t.baseUrl}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

describe('off the API routes', () => {
  it.each(['/nope', '/v1', '/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/nope', '/V1/webhooks', '/docs/x'])('%s is a problem+json 404, key or not', async (path) => {
    for (const headers of [{}, { 'anchor-api-key': t.apiKey }] as Array<Record<string, string>>) {
      const res = await fetch(`${t.baseUrl}${path}`, { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await res.json();
      expect(isProblem(body)).toBe(true);
      expect(body.code).toBe('not_found');
    }
  });

  it.each([
    ['PUT', '/v1/webhooks', 'GET, POST'],
    ['POST', '/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y', 'GET, PATCH, DELETE'],
    ['GET', '/v1/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/rotate-secret', 'POST'],
    ['DELETE', '/v1/webhook-event-types', 'GET'],
  ])('%s %s is 405 method_not_allowed with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${t.baseUrl}${path}`, { method, headers: { 'anchor-api-key': t.apiKey } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(allow.split(', ').sort());
    const body = await res.json();
    expect(isProblem(body)).toBe(true);
    expect(body).toMatchObject({ code: 'method_not_allowed', status: 405 });
  });
});
