import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../server/routes/dashboard.js';

/** The routes alone over a folder this test controls: a fake build, or none at all. */
async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  dashboardRoutes(app, { dir });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PAGE = '<!doctype html><title>dashboard</title><script type="module" src="/dashboard/assets/index-Ab12_cd.js"></script>';
const SCRIPT = 'console.log("dashboard")';
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32"/></svg>';

describe('GET /dashboard', () => {
  let root: string;
  let built: Awaited<ReturnType<typeof serve>>;
  let unbuilt: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'anchor-dashboard-route-'));
    mkdirSync(join(root, 'built/assets'), { recursive: true });
    writeFileSync(join(root, 'built/index.html'), PAGE);
    writeFileSync(join(root, 'built/assets/index-Ab12_cd.js'), SCRIPT);
    writeFileSync(join(root, 'built/.build-inputs'), 'hash\n');
    writeFileSync(join(root, 'built/favicon.svg'), ICON);
    writeFileSync(join(root, 'secret.txt'), 'outside the build');
    built = await serve(join(root, 'built'));
    unbuilt = await serve(join(root, 'missing'));
  });
  afterAll(async () => {
    await built?.close();
    await unbuilt?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/dashboard', '/dashboard/', '/dashboard/webhooks', '/dashboard/webhooks/wh_01HXJ4MZ7K9P3Q6R8S2T4V5W7Y/deliveries?status=failed&offset=25'])(
    'serves the page at %s (the app routes it), revalidated on every load and locked down by CSP',
    async (path) => {
      const res = await fetch(built.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe(PAGE);
    },
  );

  it('serves hashed assets with a year of immutable caching', async () => {
    const res = await fetch(`${built.url}/dashboard/assets/index-Ab12_cd.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(SCRIPT);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await fetch(`${built.url}/dashboard/assets/index-Ab12_cd.js`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SCRIPT.length));
    expect(await res.text()).toBe('');
  });

  it.each([
    ['a missing asset (an old page after a rebuild)', '/dashboard/assets/index-Old123.js'],
    ['the build stamp (a dotfile)', '/dashboard/assets/.build-inputs'],
    ['an encoded path traversal', '/dashboard/assets/..%2F..%2Fsecret.txt'],
    ['a nested path', '/dashboard/assets/sub/index-Ab12_cd.js'],
  ])('answers 404 problem+json for %s, never the page', async (_what, path) => {
    const res = await fetch(built.url + path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('not_found');
    expect(body.detail).toContain('reload');
  });

  it.each(['/dashboard', '/dashboard/webhooks', '/dashboard/assets/index-Ab12_cd.js'])('answers 503 with how to build it when the app is not built (%s)', async (path) => {
    const res = await fetch(unbuilt.url + path);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { status: number; title: string; detail: string; code: string };
    expect(body).toMatchObject({ status: 503, title: 'Dashboard not built', code: 'internal_error' });
    expect(body.detail).toContain('npm run build');
  });

  it('serves the icon at /favicon.ico as SVG, cached for a day; 404 problem+json before a build', async () => {
    const res = await fetch(`${built.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await res.text()).toBe(ICON);
    const missing = await fetch(`${unbuilt.url}/favicon.ico`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('leaves other paths and methods to the rest of the app', async () => {
    expect((await fetch(`${built.url}/dashboards`)).status).toBe(404); // Express's own 404: not ours
    expect((await fetch(`${built.url}/dashboard`, { method: 'POST' })).status).toBe(404);
  });
});
