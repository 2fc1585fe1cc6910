import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnchorClient } from '../../client/create-anchor-client.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { chromiumSkipReason, launchChromium } from '../support/chromium.js';
import { repoRoot } from '../support/spec.js';
import { buildDashboard, startDashboardServer, type DashboardServer } from './support/dashboard-server.js';

const appDir = join(repoRoot, 'dist/dashboard-app');
const screenshots = join(repoRoot, 'dist/dashboard');
const skip = chromiumSkipReason();

// Built once for this file (skipped when dist/dashboard-app already matches the sources).
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

  async function openPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const opened = await context.newPage();
    consoleErrors = [];
    opened.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    opened.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    await opened.goto(`${server.url}/dashboard`);
    return opened;
  }

  afterEach(async () => context?.close());

  const textOf = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';

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

  it('runs the whole flow: key, create (secret once), test event failing then retried live, attempts, redeliver, rotate, edit, disable/enable, delete', async () => {
    page = await openPage();
    let loads = 0;
    page.on('load', () => loads++);

    // 1. The key screen says where a key comes from; the key is checked, then kept for the tab.
    await expect(textOf(page.locator('main'))).resolves.toMatch(/npm start[\s\S]*keys create/);
    await page.getByRole('textbox', { name: 'API key' }).fill(server.apiKey);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();

    // 2. Create: the event picker is grouped by resource, the secret is shown once.
    await page.getByRole('button', { name: 'New webhook' }).click();
    const picker = page.getByRole('group', { name: 'Events' });
    for (const resource of ['Task', 'Session', 'Batch', 'Intervention', 'Identity']) {
      await picker.getByRole('checkbox', { name: new RegExp(`^${resource} \\(all \\d+\\)`) }).waitFor();
    }
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
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.getByTestId('webhook-count').filter({ hasText: '1 of 5' }).waitFor();
    const card = page.locator('li.webhook-card', { hasText: receiver.url });
    await expect(textOf(card)).resolves.toMatch(/enabled[\s\S]*task\.completed[\s\S]*task\.failed[\s\S]*task\.cancelled[\s\S]*task\.healed/);

    // ...and after a reload it is nowhere: not in the DOM, not in any input, not in storage.
    await page.reload();
    await card.waitFor();
    expect(await page.content()).not.toContain(secret);
    const inputValues = await page.$$eval('input, textarea', (els) => els.map((el) => (el as HTMLInputElement).value));
    expect(inputValues.join('\n')).not.toContain(secret);
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(secret);
    await page.screenshot({ path: join(screenshots, 'webhooks.png'), fullPage: true });

    // 3. A task.failed test event from the deliveries screen.
    await card.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    await page.evaluate(() => ((window as unknown as Record<string, unknown>).sameDocument = true));
    const loadsBefore = loads;
    await page.getByRole('combobox', { name: 'Test event type' }).selectOption('task.failed');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const announced = await textOf(page.getByTestId('announcement').filter({ hasText: 'queued' }));
    const deliveryId = /delivery ([0-9a-f-]{36})/.exec(announced)?.[1];
    expect(deliveryId, announced).toBeDefined();

    // 4. failed after 1 attempt, then succeeded after 2, without a reload.
    await waitForRow(deliveryId!, 'failed', '1 attempt');
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    await expect(textOf(row)).resolves.toContain('500');
    await waitForRow(deliveryId!, 'succeeded', '2 attempts');
    expect(loads).toBe(loadsBefore);
    expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).sameDocument)).toBe(true);
    expect(receiver.requests).toHaveLength(2);

    // 5. The attempts: 500 then 200, with what the receiver answered, the headers sent and the body.
    await row.getByRole('button', { name: 'Show attempts' }).click();
    const detail = page.locator(`#detail-${deliveryId}`);
    const attempts = detail.locator('li.attempt');
    await attempts.nth(1).waitFor();
    expect(await attempts.count()).toBe(2);
    await expect(textOf(attempts.nth(0).getByTestId('attempt-status'))).resolves.toBe('500');
    await expect(textOf(attempts.nth(0))).resolves.toMatch(/http_status[\s\S]*receiver down/);
    await expect(textOf(attempts.nth(1).getByTestId('attempt-status'))).resolves.toBe('200');
    await expect(textOf(attempts.nth(1))).resolves.toMatch(/\d+ ms[\s\S]*ok/);
    await attempts.nth(0).getByText(/Request headers sent/).click();
    const headers = attempts.nth(0).locator('table.headers');
    await headers.waitFor();
    await expect(textOf(headers.locator('tr', { hasText: 'anchor-signature' }))).resolves.toMatch(/t=\d+,v1=\[redacted\]/);
    await expect(textOf(headers.locator('tr', { hasText: 'anchor-delivery-id' }))).resolves.toContain(deliveryId!);
    await expect(textOf(detail.getByLabel('Body sent'))).resolves.toContain('"type": "task.failed"');

    // Redeliver: one more attempt, live.
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    await waitForRow(deliveryId!, 'succeeded', '3 attempts');
    await attempts.nth(2).waitFor();
    expect(receiver.requests).toHaveLength(3);
    await page.screenshot({ path: join(screenshots, 'deliveries.png'), fullPage: true });

    // Narrow screens: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshots, 'deliveries-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // 6. Rotate: the new secret once, and when the old one expires (the spec's default 24 h).
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret' });
    expect(await rotate.getByRole('radio', { name: /24 h \(default\)/ }).isChecked()).toBe(true);
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await textOf(page.getByTestId('secret'));
    expect(rotated).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated).not.toBe(secret);
    const expiresAt = await page.locator('.rotation-note time').getAttribute('datetime');
    expect(Math.abs(Date.parse(expiresAt!) - Date.now() - 24 * 3600_000)).toBeLessThan(5 * 60_000);
    await expect(textOf(page.locator('.rotation-note'))).resolves.toMatch(/previous secret stays valid until .*in 24 h/);
    await page.getByRole('button', { name: /hide the secret/ }).click();
    expect(await page.content()).not.toContain(rotated);

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

    // 7. Delete, after a confirmation whose default is Cancel.
    await card.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await confirm.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();
    const { data } = await createAnchorClient({ apiKey: server.apiKey, baseUrl: server.url }).GET('/v1/webhooks');
    expect(data?.data.count).toBe(0);

    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('pages and filters a log of hundreds of deliveries, with the state in the URL (deep links, Back, reload)', async () => {
    // Task events succeed; session events get 410 Gone, which makes a delivery dead at once.
    const bulkReceiver = await startReceiver((req) => (req.headers['anchor-event']?.toString().startsWith('task.') ? { status: 200 } : { status: 410 }));
    try {
      const apiKey = server.newProjectKey();
      // The server's real rate limit applies: the client waits out each 429's Retry-After.
      const api = createAnchorClient({ apiKey, baseUrl: server.url, retry: { retries: 10 } });
      const created = await api.POST('/v1/webhooks', { body: { url: bulkReceiver.url, subscribed_events: ['task.completed'] } });
      const webhookId = created.data!.id;
      const total = 240;
      const started = Date.now();
      for (let batch = 0; batch < total; batch += 20) {
        const statuses = await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const event_type = (batch + i) % 2 === 0 ? 'task.completed' : 'session.failed';
            const { response } = await api.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type } });
            return response.status;
          }),
        );
        expect(new Set(statuses)).toEqual(new Set([202]));
      }
      const queued = Date.now() - started;
      await bulkReceiver.waitFor(total, 60_000);
      console.log(`dashboard test: ${total} deliveries queued in ${queued} ms, delivered in ${Date.now() - started} ms`);

      page = await openPage();
      await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      // A deep link, served by the SPA fallback; the key survives in the tab.
      await page.goto(`${server.url}/dashboard/webhooks/${webhookId}/deliveries`);
      const pages = page.getByRole('navigation', { name: 'Pages' });
      const rows = page.locator('tr.delivery-row');
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
      await pages.getByRole('button', { name: 'Older' }).click();
      await showing(`26–50 of ${total} deliveries`);
      expect(new URL(page.url()).searchParams.get('offset')).toBe('25');

      // A status filter starts again at the first page.
      await page.getByRole('combobox', { name: 'Status' }).selectOption('dead');
      await showing('1–25 of 120 deliveries');
      expect(new Set(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status'))))).toEqual(new Set(['dead']));
      await page.getByRole('combobox', { name: 'Per page' }).selectOption('100');
      await showing('1–100 of 120 deliveries');
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
      expect(await pages.getByText('1–100 of 120 deliveries', { exact: true }).isVisible()).toBe(true);
      expect(await rows.count()).toBe(100);
      release();
      await showing('101–120 of 120 deliveries');
      expect(await rows.count()).toBe(20);
      expect(await pages.getAttribute('aria-busy')).toBe('false');
      await page.unroute(eventsUrl);
      expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);

      await page.getByRole('combobox', { name: 'Event type', exact: true }).selectOption('task.completed');
      await page.getByText('No delivery matches these filters.').waitFor();

      // Back restores the previous filters; a reload keeps them.
      await page.goBack();
      await showing('101–120 of 120 deliveries');
      await page.reload();
      await showing('101–120 of 120 deliveries');
      expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('dead');

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
  }, 120_000);

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
        visible: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
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

  it('works with the keyboard alone, with focus always visible: key, create form (with errors), test event, rotate, delete', async () => {
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
    await page.keyboard.type('ftp://127.0.0.1/hook');
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('create-description');
    await page.keyboard.type('Keyboard only');
    // Through every group and event checkbox to the submit button, without checking any.
    const stops = await tabTo(button('Create webhook'), 'Create webhook');
    expect(stops.filter((s) => s.startsWith('input#create-')).length).toBe(13);
    await page.keyboard.press('Enter');

    // No events: the server's validation issue appears next to the picker; focus goes to its first box.
    const eventsError = page.locator('#create-error');
    await eventsError.waitFor();
    await expect(textOf(eventsError)).resolves.toMatch(/fewer than 1 items/);
    await expect(textOf(page.locator('.webhook-form .form-error'))).resolves.toMatch(/subscribed_events/);
    await page.locator('#create-task\\.completed:focus').waitFor();
    await page.keyboard.press('Space');
    await tabTo(button('Create webhook'), 'Create webhook');
    await page.keyboard.press('Enter');

    // An ftp: URL: the URL rule's detail appears next to the URL field, which gets focus.
    const urlError = page.locator('#create-url-error');
    await urlError.waitFor();
    await expect(textOf(urlError)).resolves.toMatch(/https/i);
    expect(await page.locator('#create-url').getAttribute('aria-invalid')).toBe('true');
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

    // Deliveries: follow the link, pick a type with the arrow keys, send.
    await tabTo((f) => f.tag === 'a' && f.text === 'Deliveries', 'the Deliveries link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    // As a user would, wait for the catalog to fill the picker before choosing from it.
    await page.locator('#test-type option', { hasText: 'task.failed' }).waitFor({ state: 'attached' });
    await tabTo((f) => f.id === 'test-type', 'the test event type');
    await page.keyboard.press('ArrowDown');
    expect((await focused()).value).toBe('task.failed');
    await tabTo(button('Send test event'), 'Send test event');
    await page.keyboard.press('Enter');
    await page.locator('tr.delivery-row').first().waitFor();
    await tabTo(button('Show attempts'), 'Show attempts');
    await page.keyboard.press('Enter');
    await page.locator('.delivery-detail').waitFor();
    await tabTo((f) => f.tag === 'a' && f.text === '← Webhooks', 'back to the webhooks', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    // A dialog: Escape closes it and focus returns to the button that opened it.
    await tabTo(button('Rotate secret'), 'Rotate secret');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Rotate the signing secret' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // The dialog hides before it unmounts and hands focus back: allow that moment, not a lost focus.
    await expect.poll(focused, { timeout: 2_000 }).toMatchObject({ tag: 'button', text: 'Rotate secret' });

    // Delete: Cancel has focus first; Tab to the destructive button and confirm.
    await tabTo(button('Delete'), 'Delete');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Delete this webhook?' }).waitFor();
    await expect.poll(focused, { timeout: 2_000 }).toMatchObject({ tag: 'button', text: 'Cancel' });
    await tabTo(button('Delete webhook'), 'Delete webhook');
    await page.keyboard.press('Enter');
    await page.getByTestId('webhook-count').filter({ hasText: '0 of 5' }).waitFor();

    // The two refused submissions are the only errors the browser logged (as failed 400 loads).
    expect(consoleErrors).toHaveLength(2);
    for (const error of consoleErrors) expect(error).toMatch(/status of 400 \(Bad Request\).*\/v1\/webhooks/);
  }, 90_000);
});
