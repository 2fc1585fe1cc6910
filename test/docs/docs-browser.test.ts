import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_BASE } from '../../server/problem.js';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { loadBundle, operationsOf, repoRoot } from '../support/spec.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const docsFile = join(repoRoot, 'dist/docs/index.html');
const localDocsFile = join(repoRoot, 'server/dist/docs/local.html');
const guide = readFileSync(join(repoRoot, 'openapi/guides/verifying-signatures.md'), 'utf8');
const skip = chromiumSkipReason();
/** The published docs page: a problem's `type` is this page plus the Redoc route of its code. */
const DOCS_PAGE = 'https://docs.anchorbrowser.io/webhooks';

// One page visit per operation and event; generous on a loaded machine.
// The page is served by the reference server's /docs, under its Content-Security-Policy.
describe.skipIf(skip)('the Redoc page in headless Chromium, from /docs, offline', { timeout: 120_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: TestApp;
  let policy: string | null;
  const consoleErrors: string[] = [];
  const networkAttempts: string[] = [];

  beforeAll(async () => {
    if (!existsSync(docsFile)) throw new Error('dist/docs/index.html is missing: run `npm run docs` first (npm test does).');
    app = await startTestApp({ noProject: true, overrides: { docsFile } });
    browser = await launchChromium();
    context = await browser.newContext();
    // Anything but the page itself (or inline data) would be a network dependency.
    const pageUrl = `${app.baseUrl}/docs`;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pageUrl || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      networkAttempts.push(url);
      return route.abort();
    });
    page = await context.newPage();
    // Every CSP violation, whatever the console says about it.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    const response = await page.goto(pageUrl, { waitUntil: 'load' });
    policy = response!.headers()['content-security-policy'] ?? null;
    await page.getByText('Anchor Webhooks API (1.0.0)').waitFor({ timeout: 20_000 });
    // Redoc 3 renders one page per tag; open every group of the sidebar.
    for (const tag of ['Webhooks', 'Deliveries', 'Event types', 'Event payloads']) {
      await page.locator(`a[href="/${slug(tag)}"]`).first().click();
      await page.locator(`a[href^="#/${slug(tag)}/"]`).first().waitFor();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const sidebarLinks = () => page.$$eval('a[href^="#/"]', (els) => els.map((el) => el.getAttribute('href')));
  const openRoute = async (route: string, heading: string) => {
    await page.evaluate((hash) => (location.hash = hash), route);
    await page.locator('h1, h2', { hasText: heading }).first().waitFor({ timeout: 10_000 });
  };
  const sectionText = (id: string) => page.locator(`[data-section-id="/${id}"]`).first().innerText();
  /** The text of each search result for `query`, best first. */
  const search = async (query: string) => {
    await page.locator('[data-testid="search-trigger"]').click();
    await page.keyboard.type(query);
    const items = page.locator('[data-component-name="Search/SearchItem"]');
    await items.first().waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await items.allInnerTexts()).join('|')).toBe((await items.allInnerTexts()).join('|')); // settled
    const texts = (await items.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    await page.keyboard.press('Escape');
    return texts;
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

  it('opens the compatibility policy, with what may change without notice and what would be breaking', async () => {
    await openRoute('#/compatibility', 'Compatibility policy');
    await expect.poll(() => sectionText('compatibility')).toMatch(/Breaking changes ship only/);
    const text = await sectionText('compatibility');
    for (const additive of ['new event types', 'new optional request parameters', 'new fields in responses', 'new values of open enums', 'new error codes', 'the order of headers']) {
      expect(text.toLowerCase()).toContain(additive);
    }
    expect(text).toMatch(/Breaking changes ship only in a new major version/);
    // Linked from the event catalog and from the errors.
    await openRoute('#/event-payloads', 'Event payloads');
    await page.locator('main a[href$="/compatibility"]').first().waitFor();
    await openRoute('#/errors', 'Errors');
    expect(await page.locator('[data-section-id="/errors"] a[href$="/compatibility"]').count()).toBeGreaterThan(0);
  });

  it('opens the changelog: 1.0.0 first, then the additions of this round', async () => {
    await openRoute('#/changelog', 'Changelog');
    const entries = await page.$$eval('h2[id^="changelog/"], h3[id^="changelog/"]', (els) => els.map((el) => el.textContent?.trim()));
    expect(entries).toEqual(['1.0.0', 'Unreleased']);
  });

  it('shows the verification code as language tabs, highlighted, full width, with a copy button that copies the code', async () => {
    await openRoute('#/verifying-signatures/verify-in-your-language', 'Verify in your language');
    const tabs = page.locator('anchor-code-tabs[data-group="verify"]');
    expect(await tabs.getByRole('tab').allInnerTexts()).toEqual(['Node.js', 'Python', 'Go', 'TypeScript client']);
    const panel = tabs.getByRole('tabpanel');
    await expect.poll(() => panel.innerText()).toContain('export function verifyAnchorSignature');
    expect(await panel.locator('span.keyword').count()).toBeGreaterThan(10); // highlighted, not plain text

    // The code gets the row's width on this page (no right panel), and no line is cut off.
    const width = await panel.evaluate((el) => el.getBoundingClientRect().width);
    const column = await page.locator('h2', { hasText: 'Verify in your language' }).evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(column * 1.5);
    for (const tab of await tabs.getByRole('tab').all()) {
      await tab.click();
      expect(await panel.evaluate((el) => el.scrollWidth - el.clientWidth), await tab.innerText()).toBeLessThanOrEqual(0);
    }

    // Click and keys switch tabs (ARIA tabs pattern).
    await tabs.getByRole('tab', { name: 'Python' }).click();
    await expect.poll(() => panel.innerText()).toContain('def verify_anchor_signature');
    await page.keyboard.press('ArrowRight');
    expect(await tabs.getByRole('tab', { selected: true }).innerText()).toBe('Go');
    await expect.poll(() => panel.innerText()).toContain('func VerifyAnchorSignature');

    // Copy puts the selected tab's code, exactly as the guide has it, on the clipboard.
    await page.evaluate(() => {
      (window as unknown as { copied?: string }).copied = undefined;
      navigator.clipboard.writeText = async (text: string) => void ((window as unknown as { copied?: string }).copied = text);
    });
    await tabs.getByRole('tab', { name: 'Python' }).click();
    await tabs.getByRole('button', { name: 'Copy the Python code' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { copied?: string }).copied)).toBe(guideBlock('Python'));
    expect(await tabs.getByRole('button', { name: /Copy the Python code/ }).innerText()).toBe('Copied');
  });

  it('shows one raw-body block per framework, beside the verification code', async () => {
    await openRoute('#/verifying-signatures/get-the-raw-body', 'Get the raw body');
    const tabs = page.locator('anchor-code-tabs[data-group="raw-body"]');
    expect(await tabs.getByRole('tab').allInnerTexts()).toEqual(['Express', 'Fastify', 'Next.js', 'Flask', 'FastAPI', 'Django', 'Python http.server', 'Go net/http']);
    await tabs.getByRole('tab', { name: 'Flask' }).click();
    await expect.poll(() => tabs.getByRole('tabpanel').innerText()).toContain('request.get_data()');
    await tabs.getByRole('tab', { name: 'Go net/http' }).click();
    await expect.poll(() => tabs.getByRole('tabpanel').innerText()).toContain('io.ReadAll(r.Body)');
  });

  it("reaches every error code's entry from the problem `type` URL the server sends", async () => {
    const problemCode = loadBundle('public').components.schemas!.ProblemCode;
    const codes = (problemCode.enum ?? problemCode['x-extensible-enum']) as string[]; // an open set since 1.1
    expect(codes.length).toBeGreaterThanOrEqual(15);
    for (const code of codes) {
      const type = `${TYPE_BASE}${code}`;
      expect(type.startsWith(`${DOCS_PAGE}#/`), type).toBe(true);
      await page.goto(`${app.baseUrl}/docs${new URL(type).hash}`);
      const heading = page.locator(`[id="errors/${code}"]`);
      await heading.waitFor({ timeout: 10_000 });
      expect(await heading.innerText()).toBe(code);
      await expect.poll(() => heading.evaluate((el) => Math.round(el.getBoundingClientRect().top)), { message: code }).toBeLessThan(200);
    }
  });

  it('finds "Verifying signatures" before the event pages when searching "signature", in snippets with no glued words', async () => {
    const vocabulary = wordsOf(loadBundle('public'));
    for (const query of ['signature', 'subscribed', 'retries', 'raw body']) {
      const results = await search(query);
      expect(results.length, query).toBeGreaterThan(0);
      // A snippet may cut a word where it starts or ends ("fin..."): those are not glued words.
      const words = (text: string) => text.replace(/\S*(\.\.\.|…)\S*/g, ' ').toLowerCase().split(/[^a-z0-9_]+/);
      const glued = results.flatMap((text) => words(text).filter((word) => word && !vocabulary.has(word)));
      expect(glued, `${query}: words that exist nowhere in the spec`).toEqual([]);
      if (query === 'signature') {
        const guidePage = results.findIndex((text) => text.startsWith('Verifying signatures'));
        const firstEvent = results.findIndex((text) => /^POST\s/.test(text));
        expect(guidePage).toBeGreaterThanOrEqual(0);
        expect(guidePage).toBeLessThan(firstEvent);
      }
      if (query === 'subscribed') expect(results.some((text) => text.includes('subscribed to'))).toBe(true);
    }
  });

  it('lists the local reference server beside production', async () => {
    await openRoute('#/section/try-it-locally', 'Try it locally');
    const servers = page.locator('[data-testid="panel-overview"], [data-component-name="Panel/Panel"]').filter({ hasText: 'Servers' }).first();
    await expect.poll(() => servers.innerText()).toMatch(/Production\s+https:\/\/api\.anchorbrowser\.io\s+Local reference server\s+http:\/\/127\.0\.0\.1:8080/);
    await expect.poll(() => sectionText('section/try-it-locally')).toMatch(/127\.0\.0\.1:8080\/dashboard/);
  });

  it('names each event page after its literal event name, in the sidebar too', async () => {
    await page.locator('a[href$="/event-payloads"]').first().click();
    const names = Object.keys(loadBundle('public').webhooks);
    const sidebar = await page.$$eval('a[href*="/event-payloads/"]', (els) => [...new Set(els.map((el) => el.textContent?.trim().replace(/^post\s*|\s*post$/gi, '')))]);
    expect(sidebar).toEqual(expect.arrayContaining(names));
    // Each page's Anchor-Event example is its own type.
    await openRoute('#/event-payloads/sessionfailedwebhook', 'session.failed');
    await page.locator('[id*="sessionfailedwebhook"]').getByText('session.failed').first().waitFor();
  });

  it('at 390 px wide, the code tabs scroll inside themselves and the page does not scroll sideways', async () => {
    const narrow = await context.newPage();
    narrow.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(`${app.baseUrl}/docs#/verifying-signatures/verify-in-your-language`);
    await narrow.locator('anchor-code-tabs').first().getByRole('tabpanel').waitFor();
    expect(await narrow.evaluate(() => document.scrollingElement!.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
    await narrow.screenshot({ path: join(repoRoot, 'dist/docs/verifying-signatures-390.png') });
    await narrow.close();
  });

  it('saves a full-page screenshot to dist/docs/screenshot.png', async () => {
    await openRoute('#/webhooks/createwebhook', 'Create webhook');
    const file = join(repoRoot, 'dist/docs/screenshot.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });

  it('marks what goes beyond the live API with a badge', async () => {
    const beyond = operationsOf(loadBundle('public')).filter(({ operation }) => operation['x-anchor-availability'] === 'reference');
    expect(beyond.map(({ operation }) => operation.operationId).sort()).toEqual(['getWebhookEvent', 'getWebhookStats', 'listWebhookEventTypes', 'redeliverWebhookEvent']);
    for (const { operation } of beyond) {
      await openRoute(`#/${slug(operation.tags[0])}/${operation.operationId.toLowerCase()}`, operation.summary);
      await page.getByText('Beyond the live API', { exact: true }).first().waitFor({ timeout: 10_000 });
    }
  });

  it('runs under the server\'s Content-Security-Policy with no violation, no console error and no network request', async () => {
    expect(policy).toMatch(/script-src 'sha256-[^']+'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(networkAttempts).toEqual([]);
  });
});

// The page the reference server serves at /docs (server/dist/docs/local.html), fetched from a real server.
describe.skipIf(skip)('the docs page the reference server serves at /docs', { timeout: 120_000 }, () => {
  let browser: Browser;
  let app: TestApp;

  beforeAll(async () => {
    if (!existsSync(localDocsFile)) throw new Error('server/dist/docs/local.html is missing: run `npm run docs` first (npm test does).');
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens a real problem's `type` URL at that code's entry, aims the code samples at the local server, and asks for nothing else", async () => {
    const { error } = await app.client.POST('/v1/webhooks', { body: { url: 'https://10.0.0.5/hook', subscribed_events: ['task.completed'] } });
    expect(error?.code).toBe('url_not_allowed');
    const type = new URL(error!.type);
    expect(`${type.origin}${type.pathname}`).toBe(DOCS_PAGE);

    const context = await browser.newContext();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(String(err)));

    const served = await page.goto(`${app.baseUrl}/docs${type.hash}`);
    // Under the server's Content-Security-Policy: a violation would be a console error below.
    expect(served!.headers()['content-security-policy']).toMatch(/script-src 'sha256-[^']+'.*frame-ancestors 'none'/);
    const heading = page.locator('[id="errors/url_not_allowed"]');
    await heading.waitFor({ timeout: 20_000 });
    await expect.poll(() => heading.evaluate((el) => Math.round(el.getBoundingClientRect().top))).toBeLessThan(200);

    await page.evaluate(() => (location.hash = '#/webhooks/createwebhook'));
    const curl = page.locator('pre', { hasText: 'curl -X POST' }).filter({ hasText: '/v1/webhooks' }).first();
    await curl.waitFor({ timeout: 10_000 });
    expect(await curl.innerText()).toContain('"http://127.0.0.1:8080/v1/webhooks"');
    const servers = await page.evaluate(() => document.body.innerText.indexOf('Local reference server') < document.body.innerText.indexOf('Production'));
    expect(servers).toBe(true);

    expect(requests.filter((url) => !url.startsWith(`${app.baseUrl}/docs`) && !/^(data|blob):/.test(url))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** The code of one tab of the "Verifying signatures" guide, as the page should copy it. */
function guideBlock(label: string): string {
  const match = guide.match(new RegExp(`\\{% html name="div" attrs=\\{"data-label": "${label}"\\} %\\}\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\`\\n`));
  if (!match) throw new Error(`no "${label}" tab in the guide`);
  return match[1]!.replace(/\n$/, '');
}

/** Every word that appears in any text of the spec: a search snippet has no other words. */
function wordsOf(doc: unknown): Set<string> {
  const words = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string') for (const word of node.toLowerCase().split(/[^a-z0-9_]+/)) words.add(word);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) (words.add(key.toLowerCase()), walk(value));
  };
  walk(doc);
  // Redoc's own words around the results.
  for (const word of ['post', 'get', 'patch', 'delete', 'header', 'parameters', 'request', 'response', 'fields', 'body', 'query', 'path', 'description', 'example', 'enum']) words.add(word);
  return words;
}

function slug(tag: string): string {
  return tag.toLowerCase().replace(/\s+/g, '-');
}
