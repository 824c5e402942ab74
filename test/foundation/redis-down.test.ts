import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, simulatorConfig, type TestApp } from '../helpers/app.js';

/** The documented fail mode: Redis unreachable is never a crash or a hang, and /readyz says so. */
let sim: RunningSimulator;
let testApp: TestApp;
beforeAll(async () => {
  sim = await startSimulator({});
  // Nothing listens on port 1: every Redis command fails fast.
  testApp = await buildTestApp({ ...simulatorConfig(sim), redisUrl: 'redis://127.0.0.1:1' });
});
afterAll(async () => {
  await testApp?.close();
  await sim?.close();
});

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
    // The import spent the fallback bucket of getMarketplaceParticipations (a third of 1/min, burst 1),
    // and the participations cache lives in Redis: the next call must wait minutes, so RATE_LIMIT at once.
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['connect.status'] });
    const started = Date.now();
    const response = await callCapability(testApp.app, jobToken, 'connect.status');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.statusCode).toBe(429);
    expect(response.json().error.code).toBe('RATE_LIMIT');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(60);
  });
});
