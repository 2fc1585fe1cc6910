import type { LevelWithSilent } from 'pino';

/** The reference server's settings. Environment variables only; see "Configuration" in the README. */
export type Config = {
  port: number;
  host: string;
  /** SQLite file, or `:memory:`. */
  dbPath: string;
  /** ANCHOR_API_KEY: a key that must exist for the default project. */
  apiKey: string | undefined;
  /** ANCHOR_SECRET_KEY: the AES-256-GCM key for secrets at rest; otherwise a key file beside the database. */
  secretKey: Buffer | undefined;
  validateResponses: boolean;
  allowPrivateTargets: boolean;
  /** Token bucket per API key: refill per second (0 disables) and bucket size. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** ANCHOR_HEADERS_TIMEOUT_MS: a client gets this long to send its request headers (slowloris). */
  headersTimeoutMs: number;
  /** ANCHOR_REQUEST_TIMEOUT_MS: and this long for the whole request, body included. */
  requestTimeoutMs: number;
  logLevel: LevelWithSilent;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks every variable; all problems are reported at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  /** `parse` returns the value, or a string saying what was expected. */
  const read = <T extends number | boolean>(name: string, fallback: T, parse: (raw: string) => T | string): T => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const parsed = parse(raw);
    if (typeof parsed !== 'string') return parsed;
    problems.push(`${name}=${JSON.stringify(raw)}: ${parsed}`);
    return fallback;
  };

  const port = read('PORT', 8080, (raw) => (/^\d{1,5}$/.test(raw) && Number(raw) <= 65535 ? Number(raw) : 'expected a port number 0-65535'));
  const host = env.HOST?.trim() || '127.0.0.1';
  const dbPath = env.ANCHOR_DB?.trim() || './data/anchor.sqlite';

  // Never echo these two values: they are credentials.
  let apiKey: string | undefined;
  if (env.ANCHOR_API_KEY) {
    if (/^[\x21-\x7E]{16,256}$/.test(env.ANCHOR_API_KEY)) apiKey = env.ANCHOR_API_KEY;
    else problems.push('ANCHOR_API_KEY: expected 16 to 256 visible ASCII characters (no spaces)');
  }
  let secretKey: Buffer | undefined;
  if (env.ANCHOR_SECRET_KEY) {
    if (/^[0-9a-fA-F]{64}$/.test(env.ANCHOR_SECRET_KEY.trim())) secretKey = Buffer.from(env.ANCHOR_SECRET_KEY.trim(), 'hex');
    else problems.push('ANCHOR_SECRET_KEY: expected 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`');
  }

  const validateResponses = read('ANCHOR_VALIDATE_RESPONSES', true, parseBoolean);
  const allowPrivateTargets = read('ANCHOR_ALLOW_PRIVATE_TARGETS', false, parseBoolean);
  const rateLimitPerSecond = read('ANCHOR_RATE_LIMIT_PER_SECOND', 100, parseNonNegativeNumber);
  const rateLimitBurst = read('ANCHOR_RATE_LIMIT_BURST', Math.max(1, rateLimitPerSecond * 2), (raw) => {
    const value = parseNonNegativeNumber(raw);
    return typeof value === 'number' && value < 1 ? 'must be at least 1' : value;
  });

  const headersTimeoutMs = read('ANCHOR_HEADERS_TIMEOUT_MS', 10_000, parseTimeoutMs);
  const requestTimeoutMs = read('ANCHOR_REQUEST_TIMEOUT_MS', Math.max(30_000, headersTimeoutMs), (raw) => {
    const value = parseTimeoutMs(raw);
    // Node refuses a headers timeout longer than the request timeout.
    return typeof value === 'number' && value < headersTimeoutMs ? `must be at least ANCHOR_HEADERS_TIMEOUT_MS (${headersTimeoutMs})` : value;
  });

  let logLevel: LevelWithSilent = 'info';
  if (env.LOG_LEVEL) {
    const level = env.LOG_LEVEL.trim().toLowerCase() as LevelWithSilent;
    if (LOG_LEVELS.includes(level)) logLevel = level;
    else problems.push(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)}: expected one of ${LOG_LEVELS.join(', ')}`);
  }

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { port, host, dbPath, apiKey, secretKey, validateResponses, allowPrivateTargets, rateLimitPerSecond, rateLimitBurst, headersTimeoutMs, requestTimeoutMs, logLevel };
}

function parseBoolean(raw: string): boolean | string {
  const value = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return 'expected true/false (or 1/0)';
}

function parseTimeoutMs(raw: string): number | string {
  return /^\d{1,7}$/.test(raw) && Number(raw) >= 100 ? Number(raw) : 'expected a whole number of milliseconds from 100 to 9999999';
}

function parseNonNegativeNumber(raw: string): number | string {
  const value = Number(raw);
  return /^\d+(\.\d+)?$/.test(raw) && Number.isFinite(value) ? value : 'expected a non-negative number';
}

/** A config for tests and embedders: defaults plus overrides, no environment. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
