import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';

/** The documented fail mode: Redis unreachable is never a crash or a hang, and /readyz says so. */
// Nothing listens on port 1: every Redis command fails fast.
const testApp = useBroker({ config: { redisUrl: 'redis://127.0.0.1:1' } });

describe('Redis unavailable', () => {
  it('starts anyway and answers /readyz 503 naming Redis', async () => {
    const ready = await testApp.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis).toBe('unreachable');
    expect((await testApp.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps serving on the local fallback limiter (a share of the rate), answering fast either way', async () => {
    const buyerId = 'buyer-redis-down';
    const imported = await testApp.app.inject({
      method: 'POST',
      url: `/internal/buyers/${buyerId}/amazon/connections`,
      headers: internalHeaders(testApp.config),
      payload: { selling_partner_id: SEED.sellers.NA.sellingPartnerId, refresh_token: 'Atzr|sandbox-na', region: 'NA' },
    });
    expect(imported.statusCode).toBe(201);
    expect(testApp.app.services.quota.degraded).toBe(true);
    // The participations the import fetched are kept in process as well: connect.status needs no Redis.
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['connect.status', 'listings.get'] });
    let started = Date.now();
    expect((await callCapability(testApp.app, jobToken, 'connect.status')).statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The import spent the fallback bucket of getMarketplaceParticipations (a third of 1/min, burst 1):
    // another call of it must wait minutes, so RATE_LIMIT at once.
    started = Date.now();
    await expect(testApp.app.services.quota.acquire({ sellingPartnerId: SEED.sellers.NA.sellingPartnerId, region: 'NA', operation: 'getMarketplaceParticipations' })).rejects.toMatchObject({
      code: 'RATE_LIMIT',
      retryAfterS: expect.any(Number),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    // Reads still reach Amazon, on getListingsItem's fallback share (5 / 3 rps, burst 1): spaced ~600 ms.
    started = Date.now();
    for (let i = 0; i < 3; i++) expect((await callCapability(testApp.app, jobToken, 'listings.get', { sku: SEED.sellers.NA.skus[0] })).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
