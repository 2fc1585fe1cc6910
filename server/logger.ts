import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log line. Bodies are never logged at all;
 * these catch the headers and any object a handler might log by mistake.
 */
export const REDACT_PATHS = [
  'req.headers["anchor-api-key"]',
  'req.headers["idempotency-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers["anchor-api-key"]',
  'headers["idempotency-key"]',
  'secret',
  'apiKey',
  'api_key',
  'body',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.body',
  '*.*.secret',
];

export function createLogger(options: { level: LevelWithSilent; stream?: DestinationStream }): Logger {
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, options.stream);
}
