import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { loadBundle, operationsOf, repoRoot } from '../support/spec.js';

const docsFile = join(repoRoot, 'dist/docs/index.html');
const skip = chromiumSkipReason();

// One page visit per operation and event; generous on a loaded machine.
describe.skipIf(skip)('the Redoc page in headless Chromium, offline', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const networkAttempts: string[] = [];

  beforeAll(async () => {
    if (!existsSync(docsFile)) throw new Error('dist/docs/index.html is missing: run `npm run docs` first (npm test does).');
    browser = await launchChromium();
    const context = await browser.newContext({ offline: true });
    // Anything but the file itself (or inline data) would be a network dependency.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      networkAttempts.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(pathToFileURL(docsFile).href, { waitUntil: 'load' });
    await page.getByText('Anchor Webhooks API (1.0.0)').waitFor({ timeout: 20_000 });
    // Redoc 3 renders one page per tag; open every group of the sidebar.
    for (const tag of ['Webhooks', 'Deliveries', 'Event types', 'Event payloads']) {
      await page.locator(`a[href="/${slug(tag)}"]`).first().click();
      await page.locator(`a[href^="#/${slug(tag)}/"]`).first().waitFor();
    }
  });
  afterAll(async () => browser?.close());

  const sidebarLinks = () => page.$$eval('a[href^="#/"]', (els) => els.map((el) => el.getAttribute('href')));
  const openRoute = async (route: string, heading: string) => {
    await page.evaluate((hash) => (location.hash = hash), route);
    await page.locator('h1, h2', { hasText: heading }).first().waitFor({ timeout: 10_000 });
  };

  it('renders every public operation on its own page, with its curl, TypeScript and Python samples', async () => {
    for (const { operation } of operationsOf(loadBundle('public'))) {
      await openRoute(`#/${slug(operation.tags[0])}/${operation.operationId.toLowerCase()}`, operation.summary);
      // Redoc CE 3 knows no "TypeScript" language; our TypeScript sample is listed as Node.js.
      const languages = page.locator('button[aria-haspopup="menu"]:visible', { hasText: /^curl$/ }).first();
      await languages.click();
      const items = await page.getByRole('menuitem').allInnerTexts();
      expect(items, operation.operationId).toEqual(expect.arrayContaining(['curl', 'Node.js', 'Python']));
      await page.getByRole('menuitem', { name: 'Node.js' }).click();
      await page.getByText('createAnchorClient', { exact: false }).first().waitFor();
      await page.locator('button[aria-haspopup="menu"]:visible', { hasText: /^Node\.js$/ }).first().click();
      await page.getByRole('menuitem', { name: 'Python' }).click();
      await page.getByText('import requests', { exact: false }).first().waitFor();
      await page.locator('button[aria-haspopup="menu"]:visible', { hasText: /^Python$/ }).first().click();
      await page.getByRole('menuitem', { name: 'curl' }).click();
    }
  });

  it('finds the rotate operation through the search box', async () => {
    await page.getByText('Search', { exact: false }).first().click();
    await page.keyboard.type('rotate');
    await page.getByText('Rotate webhook secret').first().waitFor();
    await page.keyboard.press('Escape');
  });

  it('renders every one of the 13 webhook events with its payload', async () => {
    const webhooks = Object.values(loadBundle('public').webhooks);
    expect(webhooks).toHaveLength(13);
    for (const item of webhooks) {
      await openRoute(`#/event-payloads/${item.post.operationId.toLowerCase()}`, item.post.summary);
      await page.getByText('Anchor-Signature', { exact: true }).first().waitFor();
      await page.getByText('recording_url|healed_task_version_id|session_id|batch_id|intervention_id|identity_id'.split('|').find((f) => JSON.stringify(item).includes(f))!).first().waitFor();
    }
  });

  it('shows no internal operation anywhere', async () => {
    const links = await sidebarLinks();
    expect(links.filter((l) => /publish|testing/i.test(l ?? ''))).toEqual([]);
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/Publish event|\/v1\/events\b/);
  });

  it('saves a full-page screenshot to dist/docs/screenshot.png', async () => {
    await openRoute('#/webhooks/createwebhook', 'Create webhook');
    const file = join(repoRoot, 'dist/docs/screenshot.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });

  it('loads with no console error and no network request', () => {
    expect(consoleErrors).toEqual([]);
    expect(networkAttempts).toEqual([]);
  });
});

function slug(tag: string): string {
  return tag.toLowerCase().replace(/\s+/g, '-');
}
