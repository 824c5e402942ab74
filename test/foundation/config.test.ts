import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('runs in sandbox mode with nothing configured, generating its secrets', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('sandbox');
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.internalApiKey.length).toBeGreaterThanOrEqual(16);
    expect(config.vaultKeys).toMatch(/^sandbox:/);
    expect(config.spapiTimeoutMs).toBe(10_000);
    expect(config.lwaTokenUrl).toBe('https://api.amazon.com/auth/o2/token');
    expect(config.spapiEndpoints.EU).toBe('https://sellingpartnerapi-eu.amazon.com');
  });

  it('switches to production when LWA_CLIENT_ID is set and names every missing variable', () => {
    let error: unknown;
    try {
      loadConfig({ LWA_CLIENT_ID: 'amzn1.application-oa2-client.x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'VAULT_KEYS', 'INTERNAL_API_KEY', 'LWA_CLIENT_SECRET']) expect(message).toContain(name);
    expect(message).not.toContain('LWA_CLIENT_ID,');
  });

  it('starts in production when everything is set, and honours the optional settings', () => {
    const config = loadConfig({
      BROKER_MODE: 'production',
      DATABASE_URL: 'postgres://db/broker',
      REDIS_URL: 'redis://cache:6379',
      VAULT_KEYS: 'k1:AAAA',
      INTERNAL_API_KEY: 'internal-key-0123456789',
      LWA_CLIENT_ID: 'client',
      LWA_CLIENT_SECRET: 'secret',
      SPAPI_ENDPOINT_NA: 'http://127.0.0.1:9100',
      SPAPI_TIMEOUT_MS: '2500',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
      PORT: '9000',
      MIGRATE_ON_START: 'false',
      TRUST_PROXY: 'true',
    });
    expect(config.mode).toBe('production');
    expect(config.spapiEndpoints.NA).toBe('http://127.0.0.1:9100');
    expect(config.spapiTimeoutMs).toBe(2500);
    expect(config.aws?.accessKeyId).toBe('AKIDEXAMPLE');
    expect(config.port).toBe(9000);
    expect(config.migrateOnStart).toBe(false);
    expect(config.trustProxy).toBe(true);
  });

  it('refuses invalid values without echoing them', () => {
    expect(() => loadConfig({ PORT: 'eighty', INTERNAL_API_KEY: 'short-secret-value' })).toThrow(/\/port/);
    try {
      loadConfig({ INTERNAL_API_KEY: 'short' });
    } catch (error) {
      expect((error as Error).message).toContain('internalApiKey');
      expect((error as Error).message).not.toContain('short,');
    }
    expect(() => loadConfig({ SPAPI_ENDPOINT_EU: 'ftp://example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
  });
});
