import { describe, expect, it } from 'vitest';
import { accessToken, call, client, SEED, start, useFastSimulator } from './helpers.js';

const QUOTA = { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] };

describe('SP-API gateway: auth, headers, rate limits, stats', () => {
  const sim = useFastSimulator();

  it('403 Unauthorized without, or with an unknown, access token', async () => {
    const missing = await call(sim.baseUrl, undefined, 'GET', '/sellers/v1/marketplaceParticipations');
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'Access token is missing in the request header.' }] });
    expect(missing.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(missing.headers.get('x-amzn-ratelimit-limit')).toBeNull();
    const unknown = await call(sim.baseUrl, 'Atza|forged', 'GET', '/sellers/v1/marketplaceParticipations');
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors[0].code).toBe('Unauthorized');
  });

  it('sets x-amzn-RequestId and the rate header on 2xx, 400 and 404', async () => {
    const c = await client(sim);
    const ok = await c.get(`/listings/2021-08-01/items/A1SANDBOXNA0001?marketplaceIds=ATVPDKIKX0DER`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-ratelimit-limit')).toBe('5.0');
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await c.get(`/listings/2021-08-01/items/A1SANDBOXNA0001?marketplaceIds=ATVPDKIKX0DER&pageSize=21`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('InvalidInput');
    expect(bad.headers.get('x-amzn-ratelimit-limit')).toBe('5.0');
    const missing = await c.get(`/listings/2021-08-01/items/A1SANDBOXNA0001/NO-SUCH-SKU?marketplaceIds=ATVPDKIKX0DER`);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('NotFound');
    expect(missing.headers.get('x-amzn-ratelimit-limit')).toBe('5.0');
  });

  it('403 when the sellerId path parameter is not the token\'s selling partner', async () => {
    const c = await client(sim, 'Atzr|sandbox-eu');
    const r = await c.get(`/listings/2021-08-01/items/A1SANDBOXNA0001?marketplaceIds=A1F83G8C2ARO7P`);
    expect(r.status).toBe(403);
    expect(r.body.errors[0].code).toBe('Unauthorized');
  });

  it('400 InvalidInput for marketplaces the seller does not sell in', async () => {
    const c = await client(sim, 'Atzr|sandbox-eu');
    const r = await c.get(`/listings/2021-08-01/items/A2SANDBOXEU0002?marketplaceIds=ATVPDKIKX0DER`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].code).toBe('InvalidInput');
  });

  it('token bucket per seller and operation: burst, then 429 without the rate header', async () => {
    const c = await client(sim);
    const body = { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: ['ATVPDKIKX0DER'] };
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await c.post('/reports/2021-06-30/reports', body)).status);
    expect(statuses.slice(0, 15).every((s) => s === 202)).toBe(true);
    const throttled = await c.post('/reports/2021-06-30/reports', body);
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual(QUOTA);
    expect(throttled.headers.get('x-amzn-ratelimit-limit')).toBeNull();
    expect(throttled.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(sim.stats.throttled.createReport).toBeGreaterThanOrEqual(2);
    expect(sim.stats.bySeller.A1SANDBOXNA0001?.createReport?.accepted).toBe(15);
    // Another seller has its own bucket.
    const eu = await client(sim, 'Atzr|sandbox-eu');
    expect((await eu.post('/reports/2021-06-30/reports', { ...body, marketplaceIds: ['A1F83G8C2ARO7P'] })).status).toBe(202);
  });

  it('records what Amazon received, with the raw (percent-encoded) path', async () => {
    const c = await client(sim);
    const encoded = encodeURIComponent(SEED.sellers.NA.encodedSku);
    const r = await c.get(`/listings/2021-08-01/items/A1SANDBOXNA0001/${encoded}?marketplaceIds=ATVPDKIKX0DER&includedData=summaries,attributes`);
    expect(r.status).toBe(200);
    expect(r.body.sku).toBe('SKU/RED 01+#');
    const rec = sim.stats.requests.at(-1)!;
    expect(rec).toMatchObject({ operation: 'getListingsItem', method: 'GET', path: `/listings/2021-08-01/items/A1SANDBOXNA0001/${encoded}`, sellingPartnerId: 'A1SANDBOXNA0001', status: 200 });
    expect(rec.path).toContain('SKU%2FRED%2001%2B%23');
    expect(rec.query).toEqual({ marketplaceIds: 'ATVPDKIKX0DER', includedData: 'summaries,attributes' });
    expect(rec.headers['x-amz-access-token']).toBe(c.token);
  });

  it('rateLimits: false disables the buckets but keeps the header', async () => {
    const free = await start({ rateLimits: false });
    try {
      const token = await accessToken(free);
      for (let i = 0; i < 20; i++) {
        const r = await call(free.baseUrl, token, 'GET', '/sellers/v1/marketplaceParticipations');
        expect(r.status).toBe(200);
        expect(r.headers.get('x-amzn-ratelimit-limit')).toBe('0.016');
      }
    } finally {
      await free.close();
    }
  });
});

describe('regional hosts', () => {
  const sim = useFastSimulator({ regional: true });

  it('serves three hosts and rejects marketplaces of another region', async () => {
    expect(new Set(Object.values(sim.endpoints)).size).toBe(3);
    expect(sim.baseUrl).toBe(sim.endpoints.NA);
    const eu = await client(sim, 'Atzr|sandbox-eu', sim.endpoints.EU);
    const ok = await eu.get('/listings/2021-08-01/items/A2SANDBOXEU0002/EU-MUG-001?marketplaceIds=A1PA6795UKMFR9');
    expect(ok.status).toBe(200);
    const wrongHost = await call(sim.endpoints.NA, eu.token, 'GET', '/listings/2021-08-01/items/A2SANDBOXEU0002/EU-MUG-001?marketplaceIds=A1PA6795UKMFR9');
    expect(wrongHost.status).toBe(400);
    expect(wrongHost.body.errors[0].code).toBe('InvalidInput');
    expect(wrongHost.body.errors[0].message).toMatch(/is not a valid marketplace for this region/);
  });

  it('getMarketplaceParticipations lists only the host region\'s marketplaces, with Amazon\'s shadow ones', async () => {
    const na = await client(sim, 'Atzr|sandbox-na', sim.endpoints.NA);
    const r = await na.get('/sellers/v1/marketplaceParticipations');
    const participating = r.body.payload.filter((p: any) => p.participation.isParticipating).map((p: any) => p.marketplace.id);
    expect(participating).toEqual(expect.arrayContaining(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8', 'A2ZV50J4W1RKNI', 'AHRY1CZE9ZY4H', 'A1MQXOICRS2Z7M']));
    expect(participating).toHaveLength(6);
    const onEu = await call(sim.endpoints.EU, na.token, 'GET', '/sellers/v1/marketplaceParticipations');
    expect(onEu.status).toBe(200);
    expect(onEu.body.payload).toEqual([]);
  });
});

describe('request bodies', () => {
  const sim = useFastSimulator({ rateLimits: false });

  it('415 for a body that is not application/json, 400 for malformed JSON', async () => {
    const token = await accessToken(sim);
    const res = await fetch(`${sim.baseUrl}/reports/2021-06-30/reports`, {
      method: 'POST',
      headers: { 'x-amz-access-token': token, 'content-type': 'text/plain' },
      body: JSON.stringify({ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: ['ATVPDKIKX0DER'] }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).errors[0].code).toBe('UnsupportedMediaType');
    const bad = await fetch(`${sim.baseUrl}/reports/2021-06-30/reports`, { method: 'POST', headers: { 'x-amz-access-token': token, 'content-type': 'application/json' }, body: '{"reportType":' });
    expect(bad.status).toBe(400);
  });
});
