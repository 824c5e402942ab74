import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

const NA = SEED.sellers.NA;
const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['products.list']);

describe('products.list', () => {
  it("calls searchListingsItems for the connection's seller with Amazon's parameter names", async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('products.list', { page_size: 5 }));
    const [request] = received(h.sim, 'searchListingsItems', from);
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`/listings/2021-08-01/items/${NA.sellingPartnerId}`);
    expect(request?.query).toEqual({ marketplaceIds: SEED.marketplaces.US, includedData: 'summaries,offers,fulfillmentAvailability,issues', pageSize: '5' });
    expect(data.marketplace_id).toBe(SEED.marketplaces.US);
    expect(data.items).toHaveLength(5);
    expect(typeof data.next_page_token).toBe('string');
    expect(data.number_of_results).toBeGreaterThan(5);
  });

  it('answers the seeded listings: sku, asin, title, status, price, quantity and issue counts', async () => {
    const data = expectOk(await na.call('products.list', { page_size: 20 }));
    for (const item of data.items) {
      expect(NA.skus).toContain(item.sku);
      expect(item.asin).toBe(NA.asinBySku[item.sku]);
      expect(typeof item.title).toBe('string');
      expect(Array.isArray(item.status)).toBe(true);
      expect(Object.keys(item).every((k: string) => /^[a-z_]+$/.test(k))).toBe(true);
    }
    const suppressed = data.items.find((i: { sku: string }) => i.sku === NA.suppressedSku);
    if (suppressed) {
      expect(suppressed.status).not.toEqual(['BUYABLE', 'DISCOVERABLE']);
      expect(suppressed.issue_counts.errors).toBeGreaterThan(0);
    }
    const priced = data.items.find((i: { price?: unknown }) => i.price);
    expect(priced.price).toEqual({ amount: expect.any(Number), currency_code: 'USD' });
    expect(typeof priced.quantity).toBe('number');
  });

  it('pages with Amazon\'s pageToken until the end', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const from = mark(h.sim);
      const data = expectOk(await na.call('products.list', { page_size: 20, ...(token ? { page_token: token } : {}) }));
      if (token) expect(received(h.sim, 'searchListingsItems', from)[0]?.query.pageToken).toBe(token);
      seen.push(...data.items.map((i: { sku: string }) => i.sku));
      token = data.next_page_token;
      if (!token) {
        expect(seen).toHaveLength(data.number_of_results);
        break;
      }
    }
    expect(token).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('uses the requested marketplace of the region, and the EU seller for an EU buyer', async () => {
    const from = mark(h.sim);
    expectOk(await na.call('products.list', { marketplace_id: SEED.marketplaces.CA, page_size: 1 }));
    expect(received(h.sim, 'searchListingsItems', from)[0]?.query.marketplaceIds).toBe(SEED.marketplaces.CA);
    const eu = await connectCaller(h, ['products.list'], { region: 'EU' });
    const data = expectOk(await eu.call('products.list', { marketplace_id: SEED.marketplaces.DE, page_size: 3 }));
    const request = received(h.sim, 'searchListingsItems', from).at(-1);
    expect(request?.path).toBe(`/listings/2021-08-01/items/${SEED.sellers.EU.sellingPartnerId}`);
    expect(request?.query.marketplaceIds).toBe(SEED.marketplaces.DE);
    for (const item of data.items) expect(SEED.sellers.EU.skus).toContain(item.sku);
  });

  it('refuses bad params by name without calling Amazon', async () => {
    const from = mark(h.sim);
    expectError(await na.call('products.list', { page_size: 21 }), 'INVALID_REQUEST', 'params.page_size');
    expectError(await na.call('products.list', { page_size: 0 }), 'INVALID_REQUEST', 'params.page_size');
    expectError(await na.call('products.list', { seller_id: 'A2SANDBOXEU0002' }), 'INVALID_REQUEST');
    expectError(await na.call('products.list', { page_token: '' }), 'INVALID_REQUEST', 'params.page_token');
    expectError(await na.call('products.list', { marketplace_id: SEED.marketplaces.DE }), 'NO_CONNECTION');
    expect(received(h.sim, 'searchListingsItems', from)).toHaveLength(0);
  });

  it("passes Amazon's error through as SP_API_ERROR with its status and errors", async () => {
    const response = await na.call('products.list', { page_token: 'not-a-token' });
    expect(response.statusCode).toBe(502);
    const error = expectError(response, 'SP_API_ERROR');
    expect(error.details?.status).toBe(400);
    expect(error.details?.errors?.[0]).toMatchObject({ code: 'InvalidInput', message: expect.any(String) });
  });

  it('retries a transient 503 and still answers', async () => {
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'searchListingsItems' });
    const data = expectOk(await na.call('products.list', { page_size: 2 }));
    expect(data.items).toHaveLength(2);
    expect(received(h.sim, 'searchListingsItems', from).map((r) => r.status)).toEqual([503, 200]);
  });
});

securityCases('products.list', {}, h);
