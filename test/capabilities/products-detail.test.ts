import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

const NA = SEED.sellers.NA;
const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['products.detail']);

describe('products.detail', () => {
  it('calls getCatalogItem with the ASIN in the path and answers title, brand, images, ranks and attributes', async () => {
    const asin = NA.asinBySku['SS-MUG-001'] as string;
    const from = mark(h.sim);
    const data = expectOk(await na.call('products.detail', { asin }));
    const [request] = received(h.sim, 'getCatalogItem', from);
    expect(request?.path).toBe(`/catalog/2022-04-01/items/${asin}`);
    expect(request?.query).toEqual({ marketplaceIds: SEED.marketplaces.US, includedData: 'summaries,attributes,images,salesRanks,productTypes,identifiers' });
    expect(data).toMatchObject({ asin, marketplace_id: SEED.marketplaces.US, brand: NA.brand, title: expect.any(String), product_type: expect.any(String) });
    expect(data.images[0]).toEqual({ variant: 'MAIN', url: expect.stringMatching(/^https:\/\//), height: expect.any(Number), width: expect.any(Number) });
    expect(new Set(data.images.map((i: { variant: string }) => i.variant)).size).toBe(data.images.length);
    expect(data.sales_ranks[0]).toMatchObject({ title: expect.any(String), rank: expect.any(Number) });
    expect(data.identifiers).toEqual(expect.arrayContaining([{ type: 'EAN', value: expect.any(String) }]));
    expect(data.attributes.brand[0].value).toBe(NA.brand);
  });

  it('caches the answer for a minute per seller: a repeat does not spend getCatalogItem quota', async () => {
    const asin = NA.asins[1] as string;
    const from = mark(h.sim);
    const first = expectOk(await na.call('products.detail', { asin }));
    const other = await connectCaller(h, ['products.detail']);
    const again = expectOk(await other.call('products.detail', { asin }));
    expect(again).toEqual(first);
    expect(received(h.sim, 'getCatalogItem', from)).toHaveLength(1);
    // Another marketplace is another question (whatever Amazon answers to it).
    const before = mark(h.sim);
    await na.call('products.detail', { asin, marketplace_id: SEED.marketplaces.CA });
    expect(received(h.sim, 'getCatalogItem', before).map((r) => r.query.marketplaceIds)).toEqual([SEED.marketplaces.CA]);
  });

  it('never shares the cache across sellers', async () => {
    const asin = NA.asins[2] as string;
    expectOk(await na.call('products.detail', { asin }));
    const eu = await connectCaller(h, ['products.detail'], { region: 'EU' });
    const from = mark(h.sim);
    await eu.call('products.detail', { asin, marketplace_id: SEED.marketplaces.GB });
    const requests = received(h.sim, 'getCatalogItem', from);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.sellingPartnerId).toBe(SEED.sellers.EU.sellingPartnerId);
    expect(requests[0]?.query.marketplaceIds).toBe(SEED.marketplaces.GB);
  });

  it("answers an unknown ASIN with SP_API_ERROR carrying 404 and Amazon's errors", async () => {
    const response = await na.call('products.detail', { asin: NA.unknownAsin });
    expect(response.statusCode).toBe(502);
    const error = expectError(response, 'SP_API_ERROR', 'params.asin');
    expect(error.message).toContain(`params.asin ${NA.unknownAsin} is not in Amazon's catalog`);
    expect(error.details?.status).toBe(404);
    expect(error.details?.errors?.[0]).toMatchObject({ code: 'NotFound' });
  });

  it('refuses bad params by name without calling Amazon', async () => {
    const from = mark(h.sim);
    expectError(await na.call('products.detail', {}), 'INVALID_REQUEST', 'params.asin');
    expectError(await na.call('products.detail', { asin: 'b0short' }), 'INVALID_REQUEST', 'params.asin');
    expectError(await na.call('products.detail', { asin: '../../x/yy' }), 'INVALID_REQUEST', 'params.asin');
    expect(received(h.sim, 'getCatalogItem', from)).toHaveLength(0);
  });

  it('retries a transient 503 and still answers', async () => {
    const asin = NA.asins[3] as string;
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'getCatalogItem' });
    expect(expectOk(await na.call('products.detail', { asin })).asin).toBe(asin);
    expect(received(h.sim, 'getCatalogItem', from).map((r) => r.status)).toEqual([503, 200]);
  });
});

securityCases('products.detail', { asin: 'B000000000' }, h);
