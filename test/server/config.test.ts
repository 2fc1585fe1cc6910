/** Configuration comes from the environment only; bad values fail start-up with every problem named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DELIVERY_CONFIG, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dbPath: './data/anchor.sqlite',
      apiKey: undefined,
      secretKey: undefined,
      validateResponses: true,
      allowPrivateTargets: false,
      rateLimitPerSecond: 100,
      rateLimitBurst: 200,
      authFailurePerSecond: 10 / 60,
      authFailureBurst: 20,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      logLevel: 'info',
      delivery: DEFAULT_DELIVERY_CONFIG,
    });
  });

  it('reads every variable', () => {
    const key = 'ab'.repeat(32);
    const config = loadConfig({
      PORT: '0',
      HOST: '::1',
      ANCHOR_DB: ':memory:',
      ANCHOR_API_KEY: 'local-dev-key-0123456789',
      ANCHOR_SECRET_KEY: key,
      ANCHOR_VALIDATE_RESPONSES: 'false',
      ANCHOR_ALLOW_PRIVATE_TARGETS: '1',
      ANCHOR_RATE_LIMIT_PER_SECOND: '0',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({ port: 0, host: '::1', dbPath: ':memory:', apiKey: 'local-dev-key-0123456789', validateResponses: false, allowPrivateTargets: true, rateLimitPerSecond: 0, logLevel: 'debug' });
    expect(config.secretKey?.toString('hex')).toBe(key);
    expect(loadConfig({ ANCHOR_RATE_LIMIT_PER_SECOND: '5' }).rateLimitBurst).toBe(10);
    expect(loadConfig({ ANCHOR_RATE_LIMIT_PER_SECOND: '5', ANCHOR_RATE_LIMIT_BURST: '7' }).rateLimitBurst).toBe(7);
    expect(loadConfig({ ANCHOR_AUTH_FAILURES_PER_MINUTE: '30', ANCHOR_AUTH_FAILURE_BURST: '5' })).toMatchObject({ authFailurePerSecond: 0.5, authFailureBurst: 5 });
    expect(loadConfig({ ANCHOR_AUTH_FAILURES_PER_MINUTE: '0' }).authFailurePerSecond).toBe(0);
  });

  it('reports every invalid value at once, and never echoes a secret', () => {
    const attempt = () =>
      loadConfig({
        PORT: '70000',
        ANCHOR_API_KEY: 'short key',
        ANCHOR_SECRET_KEY: 'not-hex-but-secret',
        ANCHOR_VALIDATE_RESPONSES: 'sometimes',
        ANCHOR_ALLOW_PRIVATE_TARGETS: 'perhaps',
        ANCHOR_RATE_LIMIT_PER_SECOND: '-1',
        ANCHOR_RATE_LIMIT_BURST: '0',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['PORT', 'ANCHOR_API_KEY', 'ANCHOR_SECRET_KEY', 'ANCHOR_VALIDATE_RESPONSES', 'ANCHOR_ALLOW_PRIVATE_TARGETS', 'ANCHOR_RATE_LIMIT_PER_SECOND', 'ANCHOR_RATE_LIMIT_BURST', 'LOG_LEVEL']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('not-hex-but-secret');
    expect(message).not.toContain('short key');
  });

  it('is one parser for the server and the delivery worker: one error names the bad variables of both', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'http', ANCHOR_DELIVERY_TIMEOUT_MS: '0', ANCHOR_RETRY_SCHEDULE: '0,later', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1).map((line) => line.trim().split(/[=:]/)[0])).toEqual(['PORT', 'LOG_LEVEL', 'ANCHOR_RETRY_SCHEDULE', 'ANCHOR_DELIVERY_TIMEOUT_MS']);
  });
});
