import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServing, type Served } from '../../../server/commands/serve.js';
import { defaultConfig, loadConfig } from '../../../server/config.js';
import type { Resolver } from '../../../server/url-policy/types.js';
import { repoRoot } from '../../support/spec.js';

/** Builds the dashboard unless server/dist/dashboard-app already matches its sources (the build stamps its inputs). */
export function buildDashboard(): void {
  execFileSync(process.execPath, [join(repoRoot, 'dashboard/build.mjs'), '--if-stale'], { cwd: repoRoot, stdio: 'pipe' });
}

/** Webhooks in these tests point at 127.0.0.1 literals: any name lookup is a bug. */
const noDns: Resolver = async (hostname) => {
  throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
};

export type DashboardServer = {
  url: string;
  apiKey: string;
  /** A second project, so tests do not see each other's webhooks. */
  newProjectKey(): string;
  close(): Promise<void>;
};

/**
 * The reference server as `anchor-webhooks serve` runs it (`startServing`: the runtime, the
 * delivery worker, a real clock) on 127.0.0.1, on a file database in a temp folder, with private targets allowed.
 */
export async function startDashboardServer(options: { retrySchedule: string }): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'anchor-dashboard-e2e-'));
  const apiKey = `dash_e2e_${Date.now()}_key`;
  const config = defaultConfig({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'anchor.sqlite'),
    apiKey,
    allowPrivateTargets: true,
    logLevel: 'silent',
    delivery: loadConfig({ ANCHOR_RETRY_SCHEDULE: options.retrySchedule, ANCHOR_DELIVERY_TIMEOUT_MS: '5000' }).delivery,
  });
  let running: Served;
  try {
    running = await startServing(config, { logger: pino({ level: 'silent' }), resolver: noDns, output: { out: () => {}, err: () => {}, isTTY: false } });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { stores } = running.runtime;
  return {
    url: running.url,
    apiKey,
    newProjectKey: () => stores.projects.createApiKey(stores.projects.create({ name: 'Keyboard test' })),
    async close() {
      await running.runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
