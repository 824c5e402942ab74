import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

const NA = SEED.sellers.NA;
const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['catalog.search']);

describe('catalog.search', () => {
  it("sends a phrase as Amazon's comma-delimited keywords, one marketplace, and answers items", async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('catalog.search', { keywords: 'coffee mug', page_size: 5 }));
    const [request] = received(h.sim, 'searchCatalogItems', from);
    expect(request?.path).toBe('/catalog/2022-04-01/items');
    expect(request?.query).toEqual({ marketplaceIds: SEED.marketplaces.US, keywords: 'coffee,mug', includedData: 'summaries,images,salesRanks', pageSize: '5' });
    expect(data.items.length).toBeGreaterThan(0);
    expect(data.items.length).toBeLessThanOrEqual(5);
    for (const item of data.items) {
      expect(item).toMatchObject({ asin: expect.stringMatching(/^[A-Z0-9]{10}$/), title: expect.stringMatching(/mug|cup/i), brand: expect.any(String) });
    }
    expect(data.number_of_results).toBeGreaterThanOrEqual(data.items.length);
    expect(data.brand_refinements[0]).toMatchObject({ brand: expect.any(String), number_of_results: expect.any(Number) });
  });

  it('looks up identifiers with identifiersType and finds exactly those ASINs', async () => {
    const asins = NA.asins.slice(0, 3);
    const from = mark(h.sim);
    const data = expectOk(await na.call('catalog.search', { identifiers: asins, identifiers_type: 'ASIN' }));
    expect(received(h.sim, 'searchCatalogItems', from)[0]?.query).toMatchObject({ identifiers: asins.join(','), identifiersType: 'ASIN' });
    expect(data.items.map((i: { asin: string }) => i.asin).sort()).toEqual([...asins].sort());
    for (const item of data.items) expect(item.brand).toBe(NA.brand);
  });

  it("adds the connection's seller id for SKU lookups", async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('catalog.search', { identifiers: ['SS-MUG-001'], identifiers_type: 'SKU' }));
    expect(received(h.sim, 'searchCatalogItems', from)[0]?.query).toMatchObject({ identifiers: 'SS-MUG-001', identifiersType: 'SKU', sellerId: NA.sellingPartnerId });
    expect(data.items.map((i: { asin: string }) => i.asin)).toEqual([NA.asinBySku['SS-MUG-001']]);
  });

  it('pages with pageToken, and caches a repeat for a minute per seller', async () => {
    const first = expectOk(await na.call('catalog.search', { keywords: ['mug'], page_size: 2 }));
    expect(typeof first.next_page_token).toBe('string');
    const from = mark(h.sim);
    const second = expectOk(await na.call('catalog.search', { keywords: ['mug'], page_size: 2, page_token: first.next_page_token }));
    expect(received(h.sim, 'searchCatalogItems', from)[0]?.query.pageToken).toBe(first.next_page_token);
    expect(second.items[0].asin).not.toBe(first.items[0].asin);
    const again = mark(h.sim);
    expect(expectOk(await na.call('catalog.search', { keywords: ['mug'], page_size: 2 }))).toEqual(first);
    expect(received(h.sim, 'searchCatalogItems', again)).toHaveLength(0);
    const eu = await connectCaller(h, ['catalog.search'], { region: 'EU' });
    expectOk(await eu.call('catalog.search', { keywords: ['mug'], page_size: 2 }));
    expect(received(h.sim, 'searchCatalogItems', again).map((r) => r.sellingPartnerId)).toEqual([SEED.sellers.EU.sellingPartnerId]);
  });

  it('refuses keywords with identifiers, neither, a missing or lonely identifiers_type, by name and without calling Amazon', async () => {
    const from = mark(h.sim);
    expectError(await na.call('catalog.search', { keywords: 'mug', identifiers: ['B000000001'], identifiers_type: 'ASIN' }), 'INVALID_REQUEST', 'params.identifiers');
    expectError(await na.call('catalog.search', {}), 'INVALID_REQUEST', 'params.keywords');
    expectError(await na.call('catalog.search', { identifiers: ['B000000001'] }), 'INVALID_REQUEST', 'params.identifiers_type');
    expectError(await na.call('catalog.search', { keywords: 'mug', identifiers_type: 'ASIN' }), 'INVALID_REQUEST', 'params.identifiers');
    expectError(await na.call('catalog.search', { keywords: Array.from({ length: 21 }, (_, i) => `w${i}`).join(' ') }), 'INVALID_REQUEST', 'params.keywords');
    expectError(await na.call('catalog.search', { keywords: ' , ' }), 'INVALID_REQUEST', 'params.keywords');
    // Amazon's keywords are one csv list: a listed word with commas counts as several
    // (docs/amazon.md#catalog-items).
    expectError(await na.call('catalog.search', { keywords: [...Array.from({ length: 19 }, (_, i) => `w${i}`), 'red,blue'] }), 'INVALID_REQUEST', 'params.keywords');
    expectError(await na.call('catalog.search', { identifiers: Array.from({ length: 21 }, () => 'B000000001'), identifiers_type: 'ASIN' }), 'INVALID_REQUEST', 'params.identifiers');
    expectError(await na.call('catalog.search', { identifiers: ['x'], identifiers_type: 'FNSKU' }), 'INVALID_REQUEST', 'params.identifiers_type');
    expectError(await na.call('catalog.search', { keywords: 'mug', page_size: 25 }), 'INVALID_REQUEST', 'params.page_size');
    expect(received(h.sim, 'searchCatalogItems', from)).toHaveLength(0);
  });

  it("passes Amazon's error through as SP_API_ERROR with its status and errors", async () => {
    const error = expectError(await na.call('catalog.search', { keywords: 'bottle', page_token: 'bogus' }), 'SP_API_ERROR');
    expect(error.details?.status).toBe(400);
    expect(error.details?.errors?.[0]).toMatchObject({ code: 'InvalidInput' });
  });

  it('retries a transient 503 and still answers', async () => {
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'searchCatalogItems' });
    expect(expectOk(await na.call('catalog.search', { keywords: 'planner' })).items.length).toBeGreaterThan(0);
    expect(received(h.sim, 'searchCatalogItems', from).map((r) => r.status)).toEqual([503, 200]);
  });
});

securityCases('catalog.search', { keywords: 'mug' }, h);
