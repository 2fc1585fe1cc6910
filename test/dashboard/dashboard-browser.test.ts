import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, BrowserContextOptions, ConsoleMessage, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnchorClient } from '../../client/create-anchor-client.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot } from '../support/spec.js';
import { buildDashboard, startDashboardServer, type DashboardServer } from './support/dashboard-server.js';

const appDir = join(repoRoot, 'server/dist/dashboard-app');
const screenshots = join(repoRoot, 'dist/dashboard');
const skip = chromiumSkipReason();
const WIDE = { width: 1400, height: 900 };
const NARROW = { width: 390, height: 844 };

// Built once for this file (skipped when server/dist/dashboard-app already matches the sources).
beforeAll(() => buildDashboard(), 120_000);

describe('the built dashboard', () => {
  const shipped = () => readdirSync(join(appDir, 'assets')).filter((f) => /\.(js|css)$/.test(f));

  it('ships under 150 KiB of gzipped JS and CSS', () => {
    const gzipped = shipped().reduce((sum, file) => sum + gzipSync(readFileSync(join(appDir, 'assets', file))).length, 0);
    expect(shipped().some((f) => f.endsWith('.js'))).toBe(true);
    expect(gzipped).toBeLessThan(150 * 1024);
  });

  it('has no inline script or style, so the page runs under its strict CSP', () => {
    const html = readFileSync(join(appDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/dashboard\/assets\/[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });

  it('makes no request except through createAnchorClient (no fetch, XHR, EventSource or WebSocket of its own)', () => {
    const sources = readdirSync(join(repoRoot, 'dashboard/src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(join(repoRoot, 'dashboard/src', file), 'utf8');
      expect(text, file).not.toMatch(/\bfetch\s*\(|XMLHttpRequest|EventSource|WebSocket|sendBeacon|from 'openapi-fetch'/);
    }
  });
});

describe.skipIf(skip)('the dashboard in headless Chromium against the reference server', () => {
  let server: DashboardServer;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // 500 once, then 200: the first attempt fails and the retry succeeds.
    receiver = await startReceiver((_req, index) => (index === 0 ? { status: 500, body: 'receiver down' } : { status: 200, body: 'ok' }));
    // The retry is due 3 s after the failure: long enough to see `failed` between two polls, short enough for a test.
    server = await startDashboardServer({ retrySchedule: '0,3s' });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  /** A fresh tab in Berlin (so times carry a zone that is not UTC), at the wide size unless told otherwise. */
  async function openPage(baseUrl = server.url, options: BrowserContextOptions = {}): Promise<Page> {
    context = await browser.newContext({ viewport: WIDE, timezoneId: 'Europe/Berlin', locale: 'en-GB', ...options });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const opened = await context.newPage();
    consoleErrors = [];
    opened.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    opened.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    await opened.goto(`${baseUrl}/dashboard`);
    return opened;
  }

  async function signIn(apiKey: string) {
    await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  }

  afterEach(async () => context?.close());

  const textOf = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  /** Waits until the row shows exactly this status and attempt count at the same time. */
  const waitForRow = (id: string, status: string, attempts: string, timeout = 15_000) =>
    page.waitForFunction(
      ([id, status, attempts]) => {
        const row = document.querySelector(`tr[data-delivery-id="${id}"]`);
        return row?.getAttribute('data-status') === status && row.querySelector('[data-testid="attempt-count"]')?.textContent === attempts;
      },
      [id, status, attempts] as const,
      { timeout, polling: 50 },
    );

  /** Nothing scrolls sideways. */
  const sidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  /** A full-page screenshot at both widths; nothing may scroll sideways at either. */
  async function screenshotBoth(name: string) {
    // A toast stays where it is while a full-page screenshot is stitched together: close it first.
    const close = page.getByRole('button', { name: 'Close the message' });
    if (await close.count()) await close.click();
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    await page.setViewportSize(NARROW);
    expect(await sidewaysScroll(), `${name} at 390 px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshots, `${name}-narrow.png`), fullPage: true });
    await page.setViewportSize(WIDE);
  }

  it('runs the whole flow: key, create (secret once, next steps), test event failing then retried live, attempts, copies, redeliver, rotate, edit, disable/enable, delete', async () => {
    page = await openPage();
    let loads = 0;
    page.on('load', () => loads++);

    // 1. The key field comes first and has focus; where a key comes from is folded below it.
    await page.locator('#api-key:focus').waitFor();
    expect(await page.locator('details.help').getAttribute('open')).toBeNull();
    await expect(textOf(page.locator('details.help'))).resolves.toMatch(/npm start[\s\S]*keys create/);
    const keyField = page.getByRole('textbox', { name: 'API key' });
    await keyField.fill('anc_not-a-real-key-0000000000000000');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await keyField.getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await keyField.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    // A wrong key: how to mint one, not which header was missing.
    const keyError = page.locator('#api-key-error');
    await keyError.waitFor();
    await expect(textOf(keyError)).resolves.toMatch(/does not know that key\. Mint one with npx anchor-webhooks keys create/);
    expect(await textOf(keyError)).not.toMatch(/header/);
    await page.screenshot({ path: join(screenshots, 'key.png'), fullPage: true });
    await keyField.fill(server.apiKey);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();

    // 2. Create: the event picker is grouped by resource, with an "All events" box; descriptions are markdown.
    await page.getByRole('button', { name: 'New webhook' }).click();
    const picker = page.getByRole('group', { name: 'Events' });
    for (const resource of ['Task', 'Session', 'Batch', 'Intervention', 'Identity']) {
      await picker.getByRole('checkbox', { name: new RegExp(`^${resource} \\(all \\d+\\)`) }).waitFor();
    }
    const failedLabel = picker.locator('label', { has: page.locator('#create-task\\.failed') });
    expect(await failedLabel.locator('.event-description code').textContent()).toBe('data.error.type');
    expect(await textOf(failedLabel)).not.toContain('`');
    await picker.getByRole('checkbox', { name: /^All events \(13\)/ }).check();
    expect(await picker.locator('input[name="subscribed_events"]:checked').count()).toBe(13);
    await picker.getByRole('checkbox', { name: /^All events/ }).uncheck();
    expect(await picker.locator('input[name="subscribed_events"]:checked').count()).toBe(0);
    // This server allows private targets, and the hint says so.
    await page.getByTestId('url-hint').filter({ hasText: /http: and loopback or private addresses are allowed/ }).waitFor();
    await page.getByRole('textbox', { name: 'Endpoint URL' }).fill(receiver.url);
    await page.getByRole('textbox', { name: /Description/ }).fill('Dashboard end-to-end');
    await picker.getByRole('checkbox', { name: /^Task \(all 4\)/ }).check();
    expect(await picker.getByRole('checkbox', { name: /^task\.failed/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create webhook' }).click();

    const secret = await textOf(page.getByTestId('secret'));
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await expect(textOf(page.locator('.secret-reveal .warning'))).resolves.toContain('Shown once');
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await clipboard()).toBe(secret);
    // The next steps: listen on the webhook's port with this secret, the docs on signatures, a test event.
    const listen = `npx anchor-webhooks listen --port ${receiver.port} --secret ${secret}`;
    expect(await textOf(page.getByTestId('listen-command'))).toBe(listen);
    await page.locator('.next-steps').getByRole('button', { name: 'Copy' }).click();
    expect(await clipboard()).toBe(listen);
    expect(await page.getByRole('link', { name: 'Verifying signatures' }).getAttribute('href')).toBe('/docs#/verifying-signatures');
    await page.locator('.secret-reveal').getByRole('button', { name: 'Send a test event' }).waitFor();
    await page.getByTestId('webhook-count').filter({ hasText: '1 of 5' }).waitFor();
    const card = page.locator('li.webhook-card', { hasText: receiver.url });
    await card.getByTestId('health').filter({ hasText: 'No deliveries yet.' }).waitFor();
    await expect(textOf(card)).resolves.toMatch(/enabled[\s\S]*No deliveries yet[\s\S]*task\.completed[\s\S]*task\.failed[\s\S]*task\.cancelled[\s\S]*task\.healed/);

    // ...and after a reload it is nowhere: not in the DOM, not in any input, not in storage.
    await page.reload();
    await card.waitFor();
    expect(await page.content()).not.toContain(secret);
    const inputValues = await page.$$eval('input, textarea', (els) => els.map((el) => (el as HTMLInputElement).value));
    expect(inputValues.join('\n')).not.toContain(secret);
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(secret);
    // The webhook ID copies in full.
    const webhookId = (await card.getAttribute('data-webhook-id'))!;
    await card.getByRole('button', { name: 'Copy webhook ID' }).click();
    expect(await clipboard()).toBe(webhookId);

    // 3. The URL leads to the deliveries. A task.failed test event, from the picker, previewed first.
    await card.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).sameDocument = true));
    const loadsBefore = loads;
    const testType = page.getByRole('combobox', { name: 'Test event type' });
    await testType.locator('optgroup[label="Subscribed"] option', { hasText: 'task.failed' }).waitFor({ state: 'attached' });
    expect(await testType.locator('optgroup[label="Subscribed"] option').allTextContents()).toEqual(['task.completed', 'task.failed', 'task.cancelled', 'task.healed']);
    await testType.selectOption('task.failed');
    await page.getByText('Preview the body').click();
    await expect(textOf(page.getByTestId('test-preview'))).resolves.toMatch(/"type": "task\.failed"[\s\S]*"data": \{/);
    await page.getByRole('button', { name: 'Send test event' }).click();
    // The toast names the event and links to its row instead of showing a UUID.
    const toast = page.getByTestId('announcement');
    await toast.filter({ hasText: 'Test event task.failed queued.' }).waitFor();
    expect(await textOf(toast)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const view = toast.getByRole('link', { name: 'View' });
    const deliveryId = /\/deliveries\/([0-9a-f-]{36})$/.exec((await view.getAttribute('href'))!)?.[1];
    expect(deliveryId).toBeDefined();

    // 4. "retrying · next in …" after 1 attempt, then succeeded after 2, without a reload.
    await waitForRow(deliveryId!, 'failed', '1 attempt');
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    await expect(textOf(row)).resolves.toMatch(/retrying\s*next (in \d+ s|attempt due now)[\s\S]*500 · 1 attempt/);
    expect(await row.locator('.chip').getAttribute('title')).toBe('API status: failed');
    await waitForRow(deliveryId!, 'succeeded', '2 attempts');
    expect(loads).toBe(loadsBefore);
    expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).sameDocument)).toBe(true);
    expect(receiver.requests).toHaveLength(2);

    // One line per row, about 40 px; created shows relative, with both zones in the tooltip.
    const height = (await row.boundingBox())!.height;
    expect(height).toBeGreaterThan(28);
    expect(height).toBeLessThanOrEqual(44);
    const created = row.locator('time');
    await expect(textOf(created)).resolves.toMatch(/^(just now|\d+ (s|min) ago)$/);
    const tooltip = (await created.getAttribute('title'))!;
    expect(tooltip).toMatch(/(CES?T|GMT\+[12]) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // The short ids copy in full.
    const eventId = JSON.parse(receiver.requests[0]!.rawBody.toString()).id as string;
    await row.getByRole('button', { name: 'Copy event ID' }).click();
    expect(await clipboard()).toBe(eventId);
    await row.getByRole('button', { name: 'Copy delivery ID' }).click();
    expect(await clipboard()).toBe(deliveryId);

    // 5. The whole row opens the delivery, which gets its own URL; the newest attempt comes first.
    await row.locator('td[data-label="Created"]').click();
    await page.waitForURL(`**/deliveries/${deliveryId}`);
    const detail = page.locator(`#detail-${deliveryId}`);
    const attempts = detail.locator('li.attempt');
    await attempts.nth(1).waitFor();
    expect(await attempts.count()).toBe(2);
    await expect(textOf(attempts.nth(0).getByTestId('attempt-status'))).resolves.toBe('200 OK');
    await expect(textOf(attempts.nth(1).getByTestId('attempt-status'))).resolves.toBe('500 Internal Server Error');
    await expect(textOf(attempts.nth(1))).resolves.toMatch(/http_status[\s\S]*receiver down/);
    await expect(textOf(attempts.nth(0))).resolves.toMatch(/\d+ ms[\s\S]*ok/);
    await attempts.nth(1).getByText(/Request headers sent/).click();
    const headers = attempts.nth(1).locator('table.headers').first();
    await headers.waitFor();
    // The log keeps no signature: it would let a reader replay the delivery.
    await expect(textOf(headers.locator('tr', { hasText: 'anchor-signature' }))).resolves.toMatch(/t=\d+,v1=\[redacted\]$/);
    await expect(textOf(headers.locator('tr', { hasText: 'anchor-delivery-id' }))).resolves.toContain(deliveryId!);
    // Epoch headers get a human date next to them.
    await expect(textOf(headers.locator('tr', { hasText: 'anchor-timestamp' }))).resolves.toMatch(/^anchor-timestamp\d{10}\s+\d+ \w+ \d{4}, \d\d:\d\d:\d\d (CES?T|GMT\+[12])$/);
    // What the receiver answered besides its body.
    await attempts.nth(1).getByText(/Response headers/).click();
    await expect(textOf(attempts.nth(1).locator('table.headers').nth(1))).resolves.toMatch(/^date.+GMT/);
    await expect(textOf(detail.getByLabel('Body sent'))).resolves.toContain('"type": "task.failed"');
    await detail.getByRole('button', { name: 'Copy body' }).click();
    expect(await clipboard()).toBe(receiver.requests[1]!.rawBody.toString());
    // "Copy as curl" replays the exact bytes with the last attempt's headers, but for the signature the log does not keep.
    await detail.getByRole('button', { name: 'Copy as curl' }).click();
    const curl = await clipboard();
    expect(curl).toMatch(new RegExp(`^# anchor-signature is not kept[^\\n]*\\ncurl -X POST '${receiver.url}'`));
    expect(curl).toContain(`-H 'anchor-delivery-id: ${deliveryId}'`);
    expect(curl).not.toContain('anchor-signature:');
    expect(curl).toContain(`--data-raw '${receiver.requests[1]!.rawBody.toString().replaceAll("'", "'\\''")}'`);
    // The URL alone opens it again.
    await page.reload();
    await detail.locator('li.attempt').nth(1).waitFor();

    // Redeliver: one more attempt, live, and it comes first.
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    await waitForRow(deliveryId!, 'succeeded', '3 attempts');
    await attempts.nth(2).waitFor();
    await expect(textOf(attempts.nth(0))).resolves.toMatch(/^Attempt 3/);
    expect(receiver.requests).toHaveLength(3);
    await screenshotBoth('delivery');
    // Enter on the row's button closes it again, and the URL goes back to the log.
    await row.getByRole('button', { name: 'task.failed' }).press('Enter');
    await page.waitForURL((url) => url.pathname.endsWith('/deliveries'));
    await detail.waitFor({ state: 'detached' });
    await screenshotBoth('deliveries');

    // 6. Health on the card; rotate from "More": the new secret once, and the old one's expiry stays on the card.
    await page.getByRole('link', { name: '← Webhooks' }).click();
    const health = card.getByTestId('health');
    await health.filter({ hasText: /Last delivery (just now|\d+ (s|min) ago): succeeded 200 OK/ }).waitFor();
    await expect(textOf(health)).resolves.toContain('Last 24 h: 1 succeeded');
    expect(await health.locator('rect.spark-ok').evaluateAll((rects) => rects.filter((r) => Number(r.getAttribute('height')) > 0).length)).toBe(1);
    await card.locator('summary', { hasText: 'More' }).click();
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret' });
    expect(await rotate.getByRole('radio', { name: /24 h \(default\)/ }).isChecked()).toBe(true);
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await textOf(page.getByTestId('secret'));
    expect(rotated).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated).not.toBe(secret);
    const expiresAt = await page.locator('.rotation-note time').first().getAttribute('datetime');
    expect(Math.abs(Date.parse(expiresAt!) - Date.now() - 24 * 3600_000)).toBeLessThan(5 * 60_000);
    await expect(textOf(page.locator('.rotation-note'))).resolves.toMatch(/previous secret stays valid until .*\(in 24 h\)/);
    await page.getByRole('button', { name: /hide the secret/ }).click();
    expect(await page.content()).not.toContain(rotated);
    await expect(textOf(card.getByTestId('old-secret'))).resolves.toMatch(/^Old secret valid until .+ \(in 24 h\)$/);
    expect(await card.getByTestId('old-secret').locator('time').first().getAttribute('datetime')).toBe(expiresAt);
    await screenshotBoth('webhooks');

    // Edit (only what changed is sent), then disable and enable again.
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.locator('form.webhook-form');
    await edit.getByRole('textbox', { name: /Description/ }).fill('Edited in the dashboard');
    await edit.getByRole('checkbox', { name: /^session\.failed/ }).check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Edited in the dashboard').waitFor();
    await expect(textOf(card.getByRole('list', { name: 'Subscribed events' }))).resolves.toContain('session.failed');
    await card.getByRole('button', { name: 'Disable' }).click();
    await card.getByText('disabled by hand').waitFor();
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.locator('.badge-enabled').waitFor();
    expect(await card.getByText('disabled by hand').count()).toBe(0);

    // 7. Delete, from "More", after a confirmation whose default is Cancel.
    await card.locator('summary', { hasText: 'More' }).click();
    await card.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await confirm.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();
    const { data } = await createAnchorClient({ apiKey: server.apiKey, baseUrl: server.url }).GET('/v1/webhooks');
    expect(data?.data.count).toBe(0);

    // The wrong key's 401 is the only error the browser logged (as a failed load).
    expect(consoleErrors).toHaveLength(1);
    expect(consoleErrors[0]).toMatch(/status of 401 \(Unauthorized\).*\/v1\/webhooks/);
  }, 120_000);

  it('pages and filters a log of hundreds of deliveries: counted status chips, event, event ID and date filters, pinned pages, state in the URL', async () => {
    // Task events succeed; session events get 410 Gone, which makes a delivery dead at once.
    const bulkReceiver = await startReceiver((req) => (req.headers['anchor-event']?.toString().startsWith('task.') ? { status: 200 } : { status: 410 }));
    try {
      const apiKey = server.newProjectKey();
      // The server's real rate limit applies: the client waits out each 429's Retry-After.
      const api = createAnchorClient({ apiKey, baseUrl: server.url, retry: { retries: 10 } });
      const created = await api.POST('/v1/webhooks', { body: { url: bulkReceiver.url, subscribed_events: ['task.completed'] } });
      const webhookId = created.data!.id;
      const sendTests = async (count: number, from: number) => {
        for (let batch = 0; batch < count; batch += 20) {
          const statuses = await Promise.all(
            Array.from({ length: Math.min(20, count - batch) }, async (_, i) => {
              const event_type = (from + batch + i) % 2 === 0 ? 'task.completed' : 'session.failed';
              const { response } = await api.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type } });
              return response.status;
            }),
          );
          expect(new Set(statuses)).toEqual(new Set([202]));
        }
      };
      const total = 240;
      const started = Date.now();
      await sendTests(total, 0);
      const queued = Date.now() - started;
      await bulkReceiver.waitFor(total, 60_000);
      console.log(`dashboard test: ${total} deliveries queued in ${queued} ms, delivered in ${Date.now() - started} ms`);

      page = await openPage();
      await signIn(apiKey);
      // A deep link, served by the SPA fallback; the key survives in the tab.
      await page.goto(`${server.url}/dashboard/webhooks/${webhookId}/deliveries`);
      const pages = page.getByRole('navigation', { name: 'Pages' });
      const rows = page.locator('tr.delivery-row');
      const chips = page.getByRole('group', { name: 'Status' });
      const showing = (text: string) =>
        pages
          .getByText(text, { exact: true })
          .waitFor({ timeout: 15_000 })
          .catch(async (error: Error) => {
            // Say what the screen showed instead: the pager, an error, the live indicator.
            const seen = await page.locator('main').innerText().catch(() => '(no main)');
            throw new Error(`${error.message}\nthe screen showed, at ${page.url()}:\n${seen.slice(-1500)}`);
          });

      await showing(`1–25 of ${total} deliveries`);
      expect(await rows.count()).toBe(25);
      // Counted chips, in words a newcomer reads right (`dead` is "Failed"); the API's value in the tooltip.
      await chips.getByRole('button', { name: 'Failed 120' }).waitFor();
      expect((await chips.getByRole('button').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['All 240', 'Succeeded 120', 'Retrying 0', 'Failed 120']);
      expect(await chips.getByRole('button', { name: 'Failed 120' }).getAttribute('title')).toBe('API status: dead');
      await expect(textOf(rows.filter({ has: page.locator('[data-status="dead"]') }).first())).resolves.toMatch(/failed\s*no retries left[\s\S]*410 · 1 attempt/);

      // Leaving the first page pins it: deliveries that arrive later do not shift the pages.
      const newestOnPage1 = await rows.first().getAttribute('data-delivery-id');
      await pages.getByRole('button', { name: 'Older' }).click();
      await showing(`26–50 of ${total} deliveries`);
      const url = new URL(page.url());
      expect(url.searchParams.get('offset')).toBe('25');
      expect(Date.parse(url.searchParams.get('pin')!)).toBeGreaterThan(started);
      await page.getByTestId('pinned').waitFor();
      const page2 = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-delivery-id')));
      expect(page2).not.toContain(newestOnPage1);
      await sendTests(4, 0);
      await bulkReceiver.waitFor(total + 4, 30_000);
      await page.reload();
      await showing(`26–50 of ${total} deliveries`);
      expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-delivery-id')))).toEqual(page2);
      // Back on the first page, unpinned: the new ones are there.
      await pages.getByRole('button', { name: 'Newer' }).click();
      await showing(`1–25 of ${total + 4} deliveries`);
      expect(new URL(page.url()).searchParams.has('pin')).toBe(false);

      // A status chip filters and starts again at the first page.
      await chips.getByRole('button', { name: /^Failed/ }).click();
      await showing('1–25 of 122 deliveries');
      expect(await chips.getByRole('button', { name: /^Failed/ }).getAttribute('aria-pressed')).toBe('true');
      expect(new Set(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status'))))).toEqual(new Set(['dead']));
      await page.getByRole('combobox', { name: 'Per page' }).selectOption('100');
      await showing('1–100 of 122 deliveries');
      expect(await rows.count()).toBe(100);
      // Hold the next page's request: until it answers, the pager must keep describing the rows on screen.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const eventsUrl = /\/v1\/webhooks\/[^/]+\/events\?/;
      await page.route(eventsUrl, async (route) => {
        await released;
        await route.continue();
      });
      await pages.getByRole('button', { name: 'Older' }).click();
      await page.waitForURL((url) => url.searchParams.get('offset') === '100');
      await pages.and(page.locator('[aria-busy="true"]')).waitFor();
      expect(await pages.getByText('1–100 of 122 deliveries', { exact: true }).isVisible()).toBe(true);
      expect(await rows.count()).toBe(100);
      release();
      await showing('101–122 of 122 deliveries');
      expect(await rows.count()).toBe(22);
      expect(await pages.getAttribute('aria-busy')).toBe('false');
      await page.unroute(eventsUrl);
      expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);

      await page.getByRole('combobox', { name: 'Event type', exact: true }).selectOption('task.completed');
      await page.getByText('No delivery matches these filters.').waitFor();

      // Back restores the previous filters; a reload keeps them.
      await page.goBack();
      await showing('101–122 of 122 deliveries');
      await page.reload();
      await showing('101–122 of 122 deliveries');
      expect(await chips.getByRole('button', { name: /^Failed/ }).getAttribute('aria-pressed')).toBe('true');

      // Clear filters: everything, first page.
      await page.getByRole('link', { name: 'Clear filters' }).click();
      await showing(`1–100 of ${total + 4} deliveries`);

      // Search by event ID: one delivery, and the pager reads "1 of 1".
      const oneEvent = JSON.parse(bulkReceiver.requests[7]!.rawBody.toString()).id as string;
      await page.getByRole('searchbox', { name: 'Event ID' }).fill(oneEvent);
      await page.getByRole('button', { name: 'Find' }).click();
      await showing('1 of 1 delivery');
      expect(new URL(page.url()).searchParams.get('event_id')).toBe(oneEvent);
      await page.getByRole('link', { name: 'Clear filters' }).click();
      await showing(`1–100 of ${total + 4} deliveries`);

      // The date filter: "To" before the first delivery matches none; "From" then matches all.
      // The inputs are in the page's zone (Berlin): the value is computed there.
      const berlin = (m: number) =>
        page.evaluate((ms) => {
          const d = new Date(ms);
          return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
        }, started - m * 60_000);
      await page.getByLabel('To', { exact: true }).fill(await berlin(2));
      await page.getByText('No delivery matches these filters.').waitFor();
      expect(Date.parse(new URL(page.url()).searchParams.get('created_before')!)).toBeLessThan(started);
      await page.getByRole('link', { name: 'Clear filters' }).click();
      await page.getByLabel('From', { exact: true }).fill(await berlin(2));
      await showing(`1–100 of ${total + 4} deliveries`);
      expect(Date.parse(new URL(page.url()).searchParams.get('created_after')!)).toBeLessThan(started);

      // At the limit of 5, the count says so and New webhook is off.
      for (let i = 2; i <= 5; i++) {
        const { response } = await api.POST('/v1/webhooks', { body: { url: `${bulkReceiver.url}?n=${i}`, subscribed_events: ['task.failed'] } });
        expect(response.status).toBe(201);
      }
      await page.getByRole('link', { name: '← Webhooks' }).click();
      await page.getByTestId('webhook-count').filter({ hasText: '5 of 5 webhooks used: delete one to add another.' }).waitFor();
      expect(await page.getByRole('button', { name: 'New webhook' }).isDisabled()).toBe(true);
      expect(consoleErrors).toEqual([]);
    } finally {
      await bulkReceiver.close();
    }
  }, 150_000);

  it('shows a failing endpoint’s health, the disabled banner with Enable, and what a deleted webhook’s log still says', async () => {
    // Every delivery fails; the retry waits an hour, so "retrying" holds for the whole test.
    const failing = await startReceiver(() => ({ status: 500, body: '{"error":"db down"}' }));
    const slowRetries = await startDashboardServer({ retrySchedule: '0,1h' });
    try {
      const apiKey = slowRetries.newProjectKey();
      page = await openPage(slowRetries.url);
      await signIn(apiKey);

      // The empty list offers the next step.
      const empty = page.locator('.empty');
      await empty.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByRole('textbox', { name: 'Endpoint URL' }).fill(failing.url);
      await page.locator('#create-task\\.failed').check();
      await page.getByRole('button', { name: 'Create webhook' }).click();
      // "Send a test event" right from the secret: the toast links to the new delivery.
      await page.locator('.secret-reveal').getByRole('button', { name: 'Send a test event' }).click();
      const toast = page.getByTestId('announcement');
      await toast.filter({ hasText: 'Test event task.failed queued.' }).waitFor();
      await failing.waitFor(1);
      await page.getByRole('button', { name: /hide the secret/ }).click();

      // The card: the last delivery, the day's counts, and an amber "failing since" with the auto-disable date.
      const card = page.locator('li.webhook-card');
      const health = card.getByTestId('health');
      await health.filter({ hasText: /Last delivery .*: retrying 500 Internal Server Error/ }).waitFor({ timeout: 20_000 });
      await expect(textOf(health)).resolves.toContain('Last 24 h: 1 retrying');
      expect(await health.locator('rect.spark-bad').evaluateAll((rects) => rects.filter((r) => Number(r.getAttribute('height')) > 0).length)).toBe(1);
      await expect(textOf(card.getByTestId('failing'))).resolves.toMatch(/^Failing since \d+ \w+ \d{4}, \d\d:\d\d:\d\d (CES?T|GMT\+[12]): no attempt has succeeded since\. Disabled automatically in 5 d unless one does\.$/);
      await page.screenshot({ path: join(screenshots, 'webhooks-failing.png'), fullPage: true });

      // Disabled: the deliveries screen says so, offers Enable, and Send and Redeliver are off with the reason.
      await card.getByRole('button', { name: 'Disable' }).click();
      await card.getByText('disabled by hand').waitFor();
      expect(await card.getByTestId('failing').count()).toBe(0);
      await card.getByRole('link', { name: 'Deliveries' }).click();
      const banner = page.getByTestId('disabled-banner');
      await banner.waitFor();
      await expect(textOf(banner)).resolves.toMatch(/This webhook is disabled by hand: no events are sent to it/);
      const send = page.getByRole('button', { name: 'Send test event' });
      expect(await send.isDisabled()).toBe(true);
      await expect(textOf(page.locator(`#${(await send.getAttribute('aria-describedby'))!}`))).resolves.toContain('enable it');
      const row = page.locator('tr.delivery-row').first();
      await row.filter({ hasText: 'retries cancelled' }).waitFor();
      await row.locator('td[data-label="Response"]').click();
      const redeliver = page.locator('.delivery-detail').getByRole('button', { name: 'Redeliver' });
      await redeliver.waitFor();
      expect(await redeliver.isDisabled()).toBe(true);
      await page.screenshot({ path: join(screenshots, 'deliveries-disabled.png'), fullPage: true });
      await banner.getByRole('button', { name: 'Enable' }).click();
      await banner.waitFor({ state: 'detached' });
      expect(await send.isEnabled()).toBe(true);
      expect(await redeliver.isEnabled()).toBe(true);
      await row.filter({ hasText: /next in (59 min|1 h)/ }).waitFor();

      // Deleted: no test form, a plain-text note, and retries cancelled.
      const api = createAnchorClient({ apiKey, baseUrl: slowRetries.url });
      const webhookId = new URL(page.url()).pathname.split('/')[3]!;
      await api.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } });
      await page.reload();
      const deleted = page.getByTestId('deleted-banner');
      await deleted.waitFor();
      expect(await deleted.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/mono/i);
      expect(await page.getByRole('button', { name: 'Send test event' }).count()).toBe(0);
      await row.filter({ hasText: 'retries cancelled' }).waitFor();
      expect(consoleErrors.every((e) => /status of 404 \(Not Found\).*\/v1\/webhooks\/wh_/.test(e))).toBe(true);
    } finally {
      await slowRetries.close();
      await failing.close();
    }
  }, 90_000);

  it('polish: toasts close and cover nothing, a favicon, dark mode, 3:1 control borders, a one-line top bar at 390 px', async () => {
    const apiKey = server.newProjectKey();
    page = await openPage(server.url, { viewport: NARROW });
    await signIn(apiKey);
    await page.locator('.empty').getByRole('link', { name: 'API docs' }).waitFor();
    await expect(textOf(page.locator('.empty'))).resolves.toContain('npx anchor-webhooks listen');

    // The top bar is one line at 390 px.
    const bar = await page.locator('header.topbar').boundingBox();
    expect(bar!.height).toBeLessThan(56);
    const middles = await page.locator('header.topbar a, header.topbar button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => r.top + r.height / 2));
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(8);

    // A toast can be closed; while one shows, the controls can still be reached: none stays under it.
    const api = createAnchorClient({ apiKey, baseUrl: server.url });
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByRole('textbox', { name: 'Endpoint URL' }).fill(receiver.url);
    await page.locator('#create-task\\.completed').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const toast = page.getByTestId('announcement');
    await toast.filter({ hasText: 'Webhook created' }).waitFor();
    // Hiding the secret retires the toast that announced it.
    await page.getByRole('button', { name: /hide the secret/ }).click();
    await toast.filter({ hasText: 'Webhook created' }).waitFor({ state: 'detached' });
    const card = page.locator('li.webhook-card');
    await card.getByRole('button', { name: 'Disable' }).click();
    await toast.filter({ hasText: 'disabled' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const covered = await page.evaluate(() => {
      const controls = Array.from(document.querySelectorAll('main button, main a, main summary')).filter((el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true }));
      return controls.filter((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return r.bottom <= innerHeight && r.top >= 0 && hit !== null && !el.contains(hit);
      }).map((el) => el.textContent);
    });
    expect(covered).toEqual([]);
    await toast.getByRole('button', { name: 'Close the message' }).click();
    await toast.filter({ hasText: 'disabled' }).waitFor({ state: 'detached' });
    // A toast never outlives its screen.
    await card.getByRole('button', { name: 'Enable' }).click();
    await toast.filter({ hasText: 'enabled' }).waitFor();
    await card.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    await toast.filter({ hasText: 'enabled' }).waitFor({ state: 'detached' });
    expect(await textOf(toast)).toBe('');
    expect((await api.GET('/v1/webhooks')).data!.data.items[0]!.enabled).toBe(true);

    // Control borders stand out from what is around them by 3:1 at least (WCAG 1.4.11).
    const contrasts = () =>
      page.evaluate(() => {
        const rgb = (c: string) => c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const ratio = (a: string, b: string) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
        const background = (el: Element | null): string => {
          for (; el; el = el.parentElement) {
            const bg = getComputedStyle(el).backgroundColor;
            if (!/rgba\(.*, 0\)$|transparent/.test(bg)) return bg;
          }
          return 'rgb(255, 255, 255)';
        };
        return Array.from(document.querySelectorAll('main input:not([type=checkbox]):not([type=radio]), main select, main button:not(.row-toggle):not(.primary)'))
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => ({ el: `${el.tagName} ${el.textContent?.trim().slice(0, 20) ?? ''}`, ratio: ratio(getComputedStyle(el).borderTopColor, background(el.parentElement)) }))
          .filter((c) => c.ratio < 3);
      });
    expect(await contrasts()).toEqual([]);
    await page.setViewportSize(WIDE);
    await page.screenshot({ path: join(screenshots, 'deliveries-empty.png'), fullPage: true });

    // Dark mode follows the system, with the same contrast.
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).toBe('rgb(15, 18, 24)');
    expect(await contrasts()).toEqual([]);
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await page.locator('li.webhook-card').waitFor();
    await page.screenshot({ path: join(screenshots, 'webhooks-dark.png'), fullPage: true });

    // The favicon: linked from the page and served at /favicon.ico.
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.ico');
    const icon = await page.request.get(`${server.url}/favicon.ico`);
    expect([icon.status(), icon.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  /** Where keyboard focus is, and whether it can be seen. */
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        id: el.id,
        tag: el.tagName.toLowerCase(),
        text: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 80),
        value: (el as HTMLInputElement).value ?? '',
        // A date input's focus sits in its own parts, in the browser's shadow DOM: its fields (the input then
        // matches :focus and shows our outline) or its picker button (it does not; the button's ring is drawn
        // there, out of the page's reach).
        visible: el.matches('input[type=datetime-local]:not(:focus)') || ((el.matches(':focus-visible') || el.matches('input[type=datetime-local]')) && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2),
      };
    });

  /** Presses Tab (or Shift+Tab) until `target` has focus, checking at every stop that focus is visible. */
  async function tabTo(target: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, { back = false, max = 60 } = {}) {
    const stops: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const f = await focused();
      stops.push(`${f.tag}#${f.id} ${f.text}`);
      expect(f.visible, `focus not visible on ${stops.at(-1)}`).toBe(true);
      if (target(f)) return stops;
    }
    throw new Error(`${what} never got focus; stops: ${stops.join(' | ')}`);
  }
  const button = (text: string) => (f: Awaited<ReturnType<typeof focused>>) => f.tag === 'button' && f.text === text;

  it('works with the keyboard alone, with focus always visible: key, create form (plain errors on their fields), test event, rows, rotate, delete', async () => {
    const apiKey = server.newProjectKey();
    page = await openPage();

    // The key field has focus from the start; the key is typed and submitted with Enter.
    await page.locator('#api-key:focus').waitFor();
    await page.keyboard.type(apiKey);
    await page.keyboard.press('Enter');
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();

    // The create form: Enter opens it, focus lands on the URL.
    await tabTo(button('New webhook'), 'New webhook');
    await page.keyboard.press('Enter');
    await page.locator('#create-url:focus').waitFor();
    // An empty submit: one plain sentence per field, the rule as a chip, and no banner repeating them.
    await tabTo(button('Create webhook'), 'Create webhook');
    await page.keyboard.press('Enter');
    const urlError = page.locator('#create-url-error');
    const eventsError = page.locator('#create-error');
    await urlError.waitFor();
    expect(await textOf(urlError)).toBe('Enter the URL.minLength');
    expect(await textOf(urlError.locator('.rule'))).toBe('minLength');
    expect(await textOf(eventsError)).toBe('Choose at least one subscribed event.minItems');
    expect(await page.locator('.webhook-form .form-error').count()).toBe(0);
    await page.locator('#create-url:focus').waitFor();

    await page.keyboard.type('ftp://127.0.0.1/hook');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('create-description');
    await page.keyboard.type('Keyboard only');
    // Through the "All events" box and every group and event checkbox to the submit button, without checking any.
    const stops = await tabTo(button('Create webhook'), 'Create webhook');
    expect(stops.filter((s) => s.startsWith('input#create-')).length).toBe(14);
    await page.keyboard.press('Enter');
    // Still no events: focus goes to the picker's first event box.
    await page.locator('#create-task\\.completed:focus').waitFor();
    await page.keyboard.press('Space');
    await tabTo(button('Create webhook'), 'Create webhook');
    await page.keyboard.press('Enter');

    // An ftp: URL: the rule's sentence next to the URL field, without the machine code in front, which gets focus.
    await urlError.filter({ hasText: 'scheme_not_https' }).waitFor();
    expect(await textOf(urlError)).toBe('The scheme is ftp: but only https: and http: are allowed.scheme_not_https');
    expect(await page.locator('#create-url').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.webhook-form .form-error').count()).toBe(0);
    await page.locator('#create-url:focus').waitFor();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(receiver.url);
    await page.keyboard.press('Enter');

    // Created: focus moves to the secret, and on to its buttons.
    await page.locator('#secret-heading:focus').waitFor();
    await tabTo(button('Copy secret'), 'Copy secret');
    await page.keyboard.press('Enter');
    await page.getByText('Copied to the clipboard.').waitFor();
    await tabTo(button('I have stored it: hide the secret'), 'hide the secret');
    await page.keyboard.press('Enter');
    await page.getByTestId('secret').waitFor({ state: 'detached' });
    await page.getByTestId('webhook-count').filter({ hasText: '1 of 5' }).waitFor();

    // Deliveries: follow the link, pick a type with the arrow keys (subscribed ones first), send.
    await tabTo((f) => f.tag === 'a' && f.text === 'Deliveries', 'the Deliveries link');
    await page.keyboard.press('Enter');
    await page.locator('main h1:focus').filter({ hasText: 'Deliveries' }).waitFor();
    // As a user would, wait for the catalog to fill the picker before choosing from it.
    await page.locator('#test-type option', { hasText: 'task.failed' }).waitFor({ state: 'attached' });
    await tabTo((f) => f.id === 'test-type', 'the test event type');
    expect((await focused()).value).toBe('task.completed');
    await page.keyboard.press('ArrowDown');
    expect((await focused()).value).toBe('task.failed');
    await tabTo(button('Send test event'), 'Send test event');
    await page.keyboard.press('Enter');
    const row = page.locator('tr.delivery-row').first();
    await row.waitFor();
    // Enter on a row opens it.
    await tabTo((f) => f.tag === 'button' && f.text.endsWith('task.failed'), 'the row');
    await page.keyboard.press('Enter');
    await page.locator('.delivery-detail').waitFor();
    await tabTo((f) => f.tag === 'a' && f.text === '← Webhooks', 'back to the webhooks', { back: true });
    await page.keyboard.press('Enter');
    // The new screen's heading takes the focus; Tab goes on from there.
    await page.locator('main h1:focus').filter({ hasText: 'Webhooks' }).waitFor();

    // "More" opens with Enter; a dialog closes with Escape and focus returns to what opened it.
    await tabTo((f) => f.tag === 'summary' && f.text === 'More', 'More');
    await page.keyboard.press('Enter');
    await tabTo(button('Rotate secret'), 'Rotate secret');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Rotate the signing secret' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // The dialog hides before it unmounts and hands focus back: allow that moment, not a lost focus.
    await expect.poll(focused, { timeout: 2_000 }).toMatchObject({ tag: 'summary', text: 'More' });

    // Delete: Cancel has focus first; Tab to the destructive button and confirm.
    await page.keyboard.press('Enter');
    await tabTo(button('Delete'), 'Delete');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Delete this webhook?' }).waitFor();
    await expect.poll(focused, { timeout: 2_000 }).toMatchObject({ tag: 'button', text: 'Cancel' });
    await tabTo(button('Delete webhook'), 'Delete webhook');
    await page.keyboard.press('Enter');
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();

    // The three refused submissions are the only errors the browser logged (as failed 400 loads).
    expect(consoleErrors).toHaveLength(3);
    for (const error of consoleErrors) expect(error).toMatch(/status of 400 \(Bad Request\).*\/v1\/webhooks/);
  }, 90_000);
});
