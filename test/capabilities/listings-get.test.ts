import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

const NA = SEED.sellers.NA;
const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['listings.get']);

describe('listings.get', () => {
  it('percent-encodes the SKU in the path and asks for every dataset it answers', async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('listings.get', { sku: NA.encodedSku }));
    const [request] = received(h.sim, 'getListingsItem', from);
    expect(request?.path).toBe(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SKU%2FRED%2001%2B%23`);
    expect(request?.query).toEqual({ marketplaceIds: SEED.marketplaces.US, includedData: 'summaries,attributes,issues,offers,fulfillmentAvailability', issueLocale: 'en_US' });
    expect(data.sku).toBe(NA.encodedSku);
    expect(data.summaries[0]).toMatchObject({ marketplace_id: SEED.marketplaces.US, asin: NA.asinBySku[NA.encodedSku], status: expect.any(Array), product_type: expect.any(String) });
  });

  it("answers Amazon's attributes as they are, and issues, offers and availability in snake_case", async () => {
    const data = expectOk(await na.call('listings.get', { sku: NA.suppressedSku }));
    expect(data.attributes.item_name[0]).toMatchObject({ value: expect.any(String), marketplace_id: SEED.marketplaces.US });
    const error = data.issues.find((i: { severity: string }) => i.severity === 'ERROR');
    expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String), severity: 'ERROR' });
    expect(error.enforcement_actions?.length ?? error.categories?.length).toBeGreaterThan(0);
    expect(data.summaries[0].status).not.toEqual(['BUYABLE', 'DISCOVERABLE']);
    const mug = expectOk(await na.call('listings.get', { sku: 'SS-MUG-001' }));
    expect(mug.offers[0]).toMatchObject({ offer_type: 'B2C', price: { amount: expect.any(Number), currency_code: 'USD' } });
    expect(mug.fulfillment_availability[0]).toMatchObject({ fulfillment_channel_code: expect.any(String), quantity: expect.any(Number) });
    const oos = expectOk(await na.call('listings.get', { sku: NA.outOfStockSku }));
    expect(oos.fulfillment_availability[0].quantity).toBe(0);
  });

  it('uses the JP seller and locale for an FE buyer', async () => {
    const fe = await connectCaller(h, ['listings.get'], { region: 'FE' });
    const from = mark(h.sim);
    const data = expectOk(await fe.call('listings.get', { sku: 'JP-MUG-001' }));
    const [request] = received(h.sim, 'getListingsItem', from);
    expect(request?.path).toBe(`/listings/2021-08-01/items/${SEED.sellers.FE.sellingPartnerId}/JP-MUG-001`);
    expect(request?.query).toMatchObject({ marketplaceIds: SEED.marketplaces.JP, issueLocale: 'ja_JP' });
    expect(data.summaries[0].asin).toBe(SEED.sellers.FE.asinBySku['JP-MUG-001']);
  });

  it('answers an unknown SKU with SP_API_ERROR carrying 404 and Amazon\'s errors', async () => {
    const response = await na.call('listings.get', { sku: NA.unknownSku });
    expect(response.statusCode).toBe(502);
    // details.field names the param to fix, as writes do.
    const error = expectError(response, 'SP_API_ERROR', 'params.sku');
    expect(error.message).toContain(`params.sku "${NA.unknownSku}" is not a listing of this seller`);
    expect(error.details?.status).toBe(404);
    expect(error.details?.errors).toEqual([expect.objectContaining({ code: 'NotFound', message: expect.stringContaining(NA.unknownSku) })]);
  });

  it('refuses bad params by name without calling Amazon', async () => {
    const from = mark(h.sim);
    expectError(await na.call('listings.get', {}), 'INVALID_REQUEST', 'params.sku');
    expectError(await na.call('listings.get', { sku: '' }), 'INVALID_REQUEST', 'params.sku');
    expectError(await na.call('listings.get', { sku: 'x'.repeat(201) }), 'INVALID_REQUEST', 'params.sku');
    expectError(await na.call('listings.get', { sku: 'SS-MUG-001', seller_id: 'A2SANDBOXEU0002' }), 'INVALID_REQUEST');
    expect(received(h.sim, 'getListingsItem', from)).toHaveLength(0);
  });

  it('retries a transient 503 and still answers', async () => {
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'getListingsItem' });
    expect(expectOk(await na.call('listings.get', { sku: 'SS-MUG-001' })).sku).toBe('SS-MUG-001');
    expect(received(h.sim, 'getListingsItem', from).map((r) => r.status)).toEqual([503, 200]);
  });
});

securityCases('listings.get', { sku: 'SS-MUG-001' }, h);
