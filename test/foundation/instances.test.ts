import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuild } from '../helpers/build.js';
import { buildTestApp, callCapability, createTestDatabase, DATABASE_URL, internalHeaders, mintToken, randomSuffix, type TestApp, type TestDatabase } from '../helpers/app.js';

describe.skipIf(!DATABASE_URL)('two broker instances sharing Postgres', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    first = await buildTestApp({}, { database });
    second = await buildTestApp({ internalApiKey: first.config.internalApiKey, vaultKeys: first.config.vaultKeys }, { database });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('see a revocation and an order deletion made on the other at once', async () => {
    const orderId = `order-${randomSuffix()}`;
    const buyerId = `buyer-${randomSuffix()}`;
    const revoked = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    const kept = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    expect((await callCapability(second.app, revoked.jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await first.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revoked.tokenId}`, headers: internalHeaders(first.config) });
    expect((await callCapability(second.app, revoked.jobToken, 'products.list')).json().error.code).toBe('INVALID_TOKEN');
    expect((await callCapability(second.app, kept.jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await second.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(second.config) });
    expect((await callCapability(first.app, kept.jobToken, 'products.list')).json().error.code).toBe('ORDER_NOT_FOUND');
  });
});

describe('the server process', () => {
  beforeAll(() => ensureBuild(), 240_000);

  it('refuses to start in production naming every missing variable', () => {
    const result = spawnSync(process.execPath, [path.join(DIST, 'server.js')], {
      env: { PATH: process.env.PATH ?? '', LWA_CLIENT_ID: 'amzn1.application-oa2-client.test', REDIS_URL: 'redis://127.0.0.1:6379' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    for (const name of ['DATABASE_URL', 'VAULT_KEYS', 'INTERNAL_API_KEY', 'LWA_CLIENT_SECRET']) expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/REDIS_URL[,)]/);
  });
});
