import { afterAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../src/connections/repository.js';
import type { QuotaKey, QuotaLimiter } from '../../src/quota/types.js';
import { createAmazonApiFactory, type AmazonApiFactory } from '../../src/spapi/client.js';
import type { SellerContext } from '../../src/spapi/types.js';
import { useBroker } from '../helpers/harness.js';
import { rejectionOf } from '../helpers/envelope.js';
import { importConnection, newBuyer, newSeller } from '../connections/support.js';

/** Records what the client asks of the quota limiter (the real limiter is tested in test/quota). */
function countingQuota(penaltyMs = 60_000) {
  const calls = { acquire: [] as QuotaKey[], observed: [] as [string, number][], penalized: 0 };
  const quota: QuotaLimiter = {
    degraded: false,
    async acquire(key) {
      calls.acquire.push(key);
    },
    async observeRateLimit(key, rate) {
      calls.observed.push([key.operation, rate]);
    },
    async penalize() {
      calls.penalized += 1;
      return penaltyMs;
    },
    async close() {},
  };
  return { quota, calls };
}

const PARTICIPATIONS = { operation: 'getMarketplaceParticipations', method: 'GET', path: '/sellers/v1/marketplaceParticipations' } as const;

describe('SP-API client against the simulator', () => {
  const t = useBroker({ config: { spapiTimeoutMs: 600 } });
  let factories: AmazonApiFactory[] = [];
  afterAll(async () => {
    await Promise.all(factories.map((f) => f.close()));
  });

  async function setup(options: { penaltyMs?: number; marketplaceIds?: string[] } = {}) {
    const seller = newSeller(t.sim, options.marketplaceIds ?? ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const imported = await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' });
    expect(imported.statusCode).toBe(201);
    const connection = (await findConnection(t.app.services.db, buyer))!;
    const context: SellerContext = { authorizationId: connection.authorizationId, buyerId: buyer, sellingPartnerId: seller.sellingPartnerId, region: 'NA' };
    const { quota, calls } = countingQuota(options.penaltyMs);
    const factory = createAmazonApiFactory({ ...t.app.services, quota, accessTokens: t.app.services.amazon.accessTokens, retryBaseMs: 10 });
    factories.push(factory);
    t.sim.stats.reset();
    t.sim.faults.reset();
    return { seller, context, factory, calls, api: factory.forSeller(context) };
  }

  it('sends Amazon’s headers, takes a quota token per attempt, and keeps request ids', async () => {
    const { api, calls, seller } = await setup();
    const response = await api.call<{ payload: unknown[] }>(PARTICIPATIONS);
    expect(response.status).toBe(200);
    // One retail marketplace, and the three non-retail ones Amazon also lists (docs/amazon.md#sellers).
    expect(response.body.payload).toHaveLength(4);
    expect(response.requestId).toBeTruthy();
    expect(api.requestIds).toEqual([response.requestId]);
    const recorded = t.sim.stats.requests.at(-1)!;
    expect(recorded.headers['x-amz-access-token']).toMatch(/^Atza\|/);
    expect(recorded.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(recorded.headers['user-agent']).toBe('SellerShortsBroker/0.1 (Language=TypeScript; Platform=Node.js)');
    expect(recorded.headers.authorization).toBeUndefined();
    expect(calls.acquire).toEqual([{ sellingPartnerId: seller.sellingPartnerId, region: 'NA', operation: 'getMarketplaceParticipations' }]);
    expect(calls.observed).toEqual([['getMarketplaceParticipations', 0.016]]);

    await rejectionOf(
      api.call({ operation: 'createReport', method: 'POST', path: '/reports/2021-06-30/reports', body: { reportType: 'NOPE', marketplaceIds: ['ATVPDKIKX0DER'] } }),
    ).catch(() => undefined);
    const post = t.sim.stats.requests.at(-1)!;
    expect(post.headers['content-type']).toBe('application/json');
  });

  it('turns Amazon’s error answers into SP_API_ERROR with status, errors and request id', async () => {
    const { api, seller } = await setup();
    const error = await rejectionOf(
      api.call({
        operation: 'getListingsItem',
        method: 'GET',
        path: `/listings/2021-08-01/items/${seller.sellingPartnerId}/NO-SUCH-SKU`,
        query: { marketplaceIds: ['ATVPDKIKX0DER'] },
      }),
    );
    expect(error.code).toBe('SP_API_ERROR');
    expect(error.httpStatus).toBe(502);
    expect(error.details?.status).toBe(404);
    expect(error.details?.errors).toEqual([expect.objectContaining({ code: expect.any(String), message: expect.any(String) })]);
    expect(error.details?.request_id).toBe(api.requestIds[0]);
  });

  it('retries a GET after a 5xx and after a reset connection', async () => {
    const { api, calls } = await setup();
    t.sim.faults.failNext(1, { status: 503, operation: 'getMarketplaceParticipations' });
    expect((await api.call(PARTICIPATIONS)).status).toBe(200);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(2);
    expect(calls.acquire).toHaveLength(2);

    t.sim.faults.resetNext(1, { operation: 'getMarketplaceParticipations' });
    expect((await api.call(PARTICIPATIONS)).status).toBe(200);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(4);
    expect(calls.acquire).toHaveLength(4);
  });

  it('gives up on a GET after 3 attempts', async () => {
    const { api } = await setup();
    t.sim.faults.failNext(5, { status: 500, operation: 'getMarketplaceParticipations' });
    const error = await rejectionOf(api.call(PARTICIPATIONS));
    expect(error.code).toBe('SP_API_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 500, errors: [{ code: 'InternalFailure', message: expect.any(String) }] });
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(3);
  });

  it('never retries a PATCH or POST that may have reached Amazon', async () => {
    const { api, seller } = await setup();
    const patch = {
      operation: 'patchListingsItem',
      method: 'PATCH',
      path: `/listings/2021-08-01/items/${seller.sellingPartnerId}/SKU-1`,
      query: { marketplaceIds: ['ATVPDKIKX0DER'] },
      body: { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'x' }] }] },
    } as const;
    t.sim.faults.failNext(1, { status: 500, operation: 'patchListingsItem' });
    const failed = await rejectionOf(api.call(patch));
    expect(failed.code).toBe('SP_API_ERROR');
    expect(failed.details?.status).toBe(500);
    expect(failed.retryable).toBe(false);
    expect(t.sim.stats.calls.patchListingsItem).toBe(1);

    t.sim.faults.resetNext(1, { operation: 'patchListingsItem' });
    const reset = await rejectionOf(api.call(patch));
    expect(reset.code).toBe('SP_API_ERROR');
    expect(reset.retryable).toBe(false);
    expect(t.sim.stats.calls.patchListingsItem).toBe(2);

    t.sim.faults.resetNext(1, { operation: 'createReport' });
    const post = await rejectionOf(
      api.call({ operation: 'createReport', method: 'POST', path: '/reports/2021-06-30/reports', body: { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: ['ATVPDKIKX0DER'] } }),
    );
    expect(post.code).toBe('SP_API_ERROR');
    expect(t.sim.stats.calls.createReport).toBe(1);
  });

  it('retries even a POST when the connection was refused (it never left)', async () => {
    const { quota, calls } = countingQuota();
    const factory = createAmazonApiFactory({
      ...t.app.services,
      config: { ...t.config, spapiEndpoints: { NA: 'http://127.0.0.1:9', EU: 'http://127.0.0.1:9', FE: 'http://127.0.0.1:9' } },
      quota,
      retryBaseMs: 5,
    });
    factories.push(factory);
    const api = factory.forSeller({ authorizationId: 'x', buyerId: 'b', sellingPartnerId: 'AX', region: 'NA' }, { accessToken: 'Atza|test' });
    const error = await rejectionOf(api.call({ operation: 'createReport', method: 'POST', path: '/reports/2021-06-30/reports', body: {} }));
    expect(error.code).toBe('SP_API_ERROR');
    expect(error.details).toMatchObject({ status: 0, reason: 'ECONNREFUSED' });
    expect(calls.acquire).toHaveLength(3);
  });

  it('a stalled Amazon becomes SP_API_ERROR within the time limit, not retried', async () => {
    const { api } = await setup();
    t.sim.faults.stall('getMarketplaceParticipations');
    const started = Date.now();
    const error = await rejectionOf(api.call(PARTICIPATIONS));
    const elapsed = Date.now() - started;
    t.sim.faults.reset();
    expect(error.code).toBe('SP_API_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/within 600 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(1500);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(1);
    // The pool is still usable.
    expect((await api.call(PARTICIPATIONS)).status).toBe(200);
  });

  it('a 429 penalizes the bucket; a GET waits within budget, else RATE_LIMIT; a write is never retried', async () => {
    const long = await setup({ penaltyMs: 60_000 });
    t.sim.faults.throttle('getMarketplaceParticipations', { rate: 0.0001, burst: 1 });
    expect((await long.api.call(PARTICIPATIONS)).status).toBe(200);
    const limited = await rejectionOf(long.api.call(PARTICIPATIONS));
    expect(limited.code).toBe('RATE_LIMIT');
    expect(limited.retryAfterS).toBe(60);
    expect(limited.details).toMatchObject({ status: 429, errors: [{ code: 'QuotaExceeded' }] });
    expect(long.calls.penalized).toBe(1);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(2);

    t.sim.faults.reset();
    const short = await setup({ penaltyMs: 20 });
    t.sim.faults.throttle('getMarketplaceParticipations', { rate: 0.0001, burst: 1 });
    await short.api.call(PARTICIPATIONS);
    expect((await rejectionOf(short.api.call(PARTICIPATIONS))).code).toBe('RATE_LIMIT');
    expect(short.calls.penalized).toBe(3);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(4);

    t.sim.faults.throttle('createReport', { rate: 0.0001, burst: 1 });
    const report = { operation: 'createReport', method: 'POST', path: '/reports/2021-06-30/reports', body: { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: ['ATVPDKIKX0DER'] } } as const;
    await short.api.call(report).catch(() => undefined);
    const write = await rejectionOf(short.api.call(report));
    expect(write.code).toBe('RATE_LIMIT');
    expect(t.sim.stats.calls.createReport).toBe(2);
    t.sim.faults.reset();
  });
});
