import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCi = process.env.CI === 'true';

/**
 * Browser tests may skip only outside CI, when Chromium is absent, and say so loudly.
 * Under CI=true a missing Chromium is a failure, not a skip.
 */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  if (inCi) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI must install Debian's chromium (.ci/run does).`);
  const reason = `SKIPPING BROWSER TESTS: Chromium not found at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\`; in CI these tests run.`;
  console.warn(`\n${'!'.repeat(reason.length)}\n${reason}\n${'!'.repeat(reason.length)}\n`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
