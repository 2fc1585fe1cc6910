import { performance } from 'node:perf_hooks';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../runtime.js';
import { GENERATED_KEY_RANDOM_CHARS } from '../storage/projects.js';
import type { Stores } from '../storage/stores.js';

type Credentials = { projectId: string; apiKey?: string; source: 'created' | 'env' | 'existing' };

/** First start on an empty database: a default project and a key, printed once. ANCHOR_API_KEY: that key, for the default project. */
export function ensureCredentials(stores: Stores, config: Pick<Config, 'apiKey'>): Credentials {
  return stores.transaction(() => {
    const existing = stores.projects.defaultProjectId();
    const projectId = existing ?? stores.projects.create({ name: 'Default project' });
    if (config.apiKey) {
      if (!stores.projects.projectIdForKey(config.apiKey)) stores.projects.addApiKey(projectId, config.apiKey);
      return { projectId: stores.projects.projectIdForKey(config.apiKey)!, source: 'env' };
    }
    if (!existing) return { projectId, apiKey: stores.projects.createApiKey(projectId), source: 'created' };
    return { projectId, source: 'existing' };
  });
}

export type Output = { out(text: string): void; err(text: string): void; isTTY: boolean };

const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/**
 * The start-up banner. A new key is shown once: in the banner on a terminal; when stdout is
 * not a terminal (it usually carries the JSON logs to a collector), on stderr only.
 */
function printBanner(url: string, credentials: Credentials, config: Config, output: Output): void {
  let key: string;
  if (credentials.source === 'created') {
    const shown = `${credentials.apiKey}\n             (shown once: only its hash is stored. Export it: export ANCHOR_API_KEY=${credentials.apiKey})`;
    if (output.isTTY) key = shown;
    else {
      key = '(new; written to stderr, shown once)';
      output.err(`  API key:   ${shown}`);
    }
  } else {
    key = credentials.source === 'env' ? '(from ANCHOR_API_KEY)' : '(not shown: only its hash is stored; `anchor-webhooks keys create` mints a new one)';
  }
  output.out(
    [
      'Anchor Webhooks reference server',
      `  API:       ${url}`,
      `  Docs:      ${url}/docs`,
      `  Dashboard: ${url}/dashboard`,
      `  Spec:      ${url}/openapi.json`,
      `  Project:   ${credentials.projectId}`,
      `  API key:   ${key}`,
      `  Database:  ${config.dbPath}`,
      ...(config.allowPrivateTargets ? ['  WARNING:   ANCHOR_ALLOW_PRIVATE_TARGETS is on: http: and private/loopback targets are allowed. Local testing only.'] : []),
    ].join('\n'),
  );
}

/**
 * ANCHOR_API_KEY is the operator's choice, and may be far weaker than a generated key (256 random
 * bits). Failed authentications are throttled, but only length makes guessing hopeless: a key
 * shorter than a generated key's random part is allowed (16 characters at least, for existing
 * setups) and warned about loudly, on stderr and in the log.
 */
function warnOfWeakApiKey(config: Config, runtime: Runtime, output: Output): void {
  if (config.apiKey === undefined || config.apiKey.length >= GENERATED_KEY_RANDOM_CHARS) return;
  const message = `ANCHOR_API_KEY has ${config.apiKey.length} characters, fewer than the ${GENERATED_KEY_RANDOM_CHARS} random ones of a generated key: anyone who can reach this server may guess it. Use \`anchor-webhooks keys create\`, or \`openssl rand -base64 32\`.`;
  output.err(['', '!'.repeat(72), `  WARNING: ${message}`, '!'.repeat(72), ''].join('\n'));
  runtime.logger.warn({ apiKeyLength: config.apiKey.length, recommended: GENERATED_KEY_RANDOM_CHARS }, 'weak ANCHOR_API_KEY');
}

export type ServeOptions = RuntimeOverrides & { output?: Output };

export type Served = { runtime: Runtime; url: string; projectId: string };

/**
 * Builds the runtime, listens, and only then creates the first-start credentials and starts the
 * delivery worker: a start that fails (a port in use) delivers nothing, keeps no key it never
 * showed, and closes everything it opened before it rejects.
 */
export async function startServing(config: Config, options: ServeOptions = {}): Promise<Served> {
  const startedAt = performance.now();
  const output = options.output ?? processOutput;
  const runtime = createRuntime(config, options);
  let url: string;
  let credentials: Credentials;
  try {
    ({ url } = await runtime.listen());
    credentials = ensureCredentials(runtime.stores, config);
  } catch (error) {
    await runtime.close({ drainTimeoutMs: 0 });
    throw error;
  }
  // No publish should pay for compiling its type's validator (about 30 ms a type).
  runtime.catalog.warmUp();
  runtime.start();
  warnOfWeakApiKey(config, runtime, output);
  printBanner(url, credentials, config, output);
  if (config.allowPrivateTargets) {
    runtime.logger.warn('ANCHOR_ALLOW_PRIVATE_TARGETS is on: http: and loopback/private webhook URLs are accepted. For local testing only.');
  }
  const startup = { sinceProcessStartMs: Math.round(performance.now()), serveMs: Math.round(performance.now() - startedAt) };
  runtime.logger.info({ url, db: config.dbPath, startup }, 'listening');
  return { runtime, url, projectId: credentials.projectId };
}

/** The first SIGTERM or SIGINT; its handlers are removed again by `dispose`. */
function nextSignal(): { signal: Promise<NodeJS.Signals>; dispose(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => (onSignal = resolve));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    signal,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/** `anchor-webhooks serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function run(_args: string[]): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  // Listening for signals before the banner is printed: a SIGTERM sent as soon as it appears
  // still shuts down gracefully; the handlers go when the server does.
  const stop = nextSignal();
  try {
    let served: Served;
    try {
      served = await startServing(config);
    } catch (error) {
      process.stderr.write(`Could not start: ${(error as Error).message}\n`);
      return 1;
    }
    served.runtime.logger.info({ signal: await stop.signal }, 'shutting down');
    await served.runtime.close();
    served.runtime.logger.info('stopped');
    return 0;
  } finally {
    stop.dispose();
  }
}
