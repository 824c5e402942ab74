import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { buildApp, type BuildOverrides } from './app.js';
import { assertConfig } from './config.js';

/**
 * The OpenAPI document generated from the routes' TypeBox schemas. `npm run openapi` writes it to
 * openapi.yaml; a test keeps the committed file identical to this (passing a database of its own:
 * the document does not depend on it, and an embedded one takes seconds to start).
 */
export async function generateOpenApiYaml(overrides: BuildOverrides = {}): Promise<string> {
  const config = assertConfig({
    port: 0,
    host: '127.0.0.1',
    mode: 'sandbox',
    dataDir: 'memory://',
    redisKeyPrefix: 'openapi:',
    internalApiKey: randomBytes(24).toString('hex'),
    vaultKeys: `openapi:${randomBytes(32).toString('base64')}`,
    lwaClientId: 'openapi',
    lwaClientSecret: 'openapi',
    lwaTokenUrl: 'https://api.amazon.com/auth/o2/token',
    spapiAppIsDraft: false,
    spapiEndpoints: { NA: 'https://sellingpartnerapi-na.amazon.com', EU: 'https://sellingpartnerapi-eu.amazon.com', FE: 'https://sellingpartnerapi-fe.amazon.com' },
    spapiTimeoutMs: 10_000,
    quotaMaxWaitMs: 3_000,
    frontDoorPerMinute: 600,
    internalPerMinute: 6000,
    failedAuthPerMinute: 60,
    logLevel: 'silent',
    migrateOnStart: true,
    trustProxy: false,
    bodyLimitBytes: 5 * 1024 * 1024,
    auditRetentionDays: 365,
    shutdownTimeoutMs: 10_000,
  });
  const app = await buildApp(config, overrides);
  try {
    await app.ready();
    return stringify(app.swagger(), { lineWidth: 0, aliasDuplicateObjects: false });
  } finally {
    await app.close();
  }
}
