import { describe, expect, it } from 'vitest';
import { useSimulatorClient } from '../helpers/harness.js';
import { SEED, useFastSimulator } from './helpers.js';

const NA = SEED.sellers.NA;
const US = 'ATVPDKIKX0DER';
const item = (sku: string, query = '') => `/listings/2021-08-01/items/${NA.sellingPartnerId}/${encodeURIComponent(sku)}?marketplaceIds=${US}${query}`;

describe('Listings Items API', () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  it('seeds ≥ 25 listings per seller, deterministic', async () => {
    expect(NA.skus.length).toBeGreaterThanOrEqual(25);
    expect(NA.skus).toContain('SKU/RED 01+#');
    const all: string[] = [];
    let token: string | undefined;
    do {
      const r = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&pageSize=20&sortBy=sku&sortOrder=ASC${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.numberOfResults).toBe(NA.skus.length);
      all.push(...r.body.items.map((i: any) => i.sku));
      token = r.body.pagination?.nextToken;
    } while (token);
    expect(all).toEqual([...NA.skus].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('search filters by identifiers and validates parameters', async () => {
    const asin = NA.asinBySku['SS-MUG-001']!;
    const r = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&identifiers=${asin}&identifiersType=ASIN&includedData=summaries,offers`);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0].summaries[0].asin).toBe(asin);
    expect(r.body.items[0].offers[0].price.currencyCode).toBe('USD');
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&identifiers=${asin}`)).status).toBe(400);
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&pageToken=garbage`)).status).toBe(400);
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}`)).status).toBe(400);
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&includedData=nope`)).status).toBe(400);
  });

  it('getListingsItem returns every included data set, in the marketplace currency', async () => {
    const r = await c.get(item('SS-SUPPRESSED-001', '&includedData=summaries,attributes,issues,offers,fulfillmentAvailability,productTypes'));
    expect(r.status).toBe(200);
    expect(r.body.issues[0]).toMatchObject({ severity: 'ERROR', categories: ['INVALID_IMAGE'] });
    expect(r.body.summaries[0].status).not.toContain('DISCOVERABLE');
    expect(r.body.attributes.item_name[0].marketplace_id).toBe(US);
    expect(r.body.fulfillmentAvailability[0].fulfillmentChannelCode).toBe('DEFAULT');
    const mx = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-MUG-001?marketplaceIds=A1AM78C64UM0Y8&includedData=offers`);
    expect(mx.body.offers[0].price.currencyCode).toBe('MXN');
    const oos = await c.get(item(NA.outOfStockSku));
    expect(oos.body.summaries[0].status).not.toContain('BUYABLE');
  });

  it('VALIDATION_PREVIEW validates without persisting; a plain patch applies', async () => {
    const patches = [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Preview title', language_tag: 'en_US', marketplace_id: US }] }];
    const preview = await c.patch(item('SS-MUG-001', '&mode=VALIDATION_PREVIEW&includedData=issues,identifiers'), { productType: NA.productTypeBySku['SS-MUG-001']!, patches });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ sku: 'SS-MUG-001', status: 'VALID', issues: [], identifiers: [{ marketplaceId: US, asin: NA.asinBySku['SS-MUG-001'] }] });
    const before = await c.get(item('SS-MUG-001'));
    expect(before.body.summaries[0].itemName).not.toBe('Preview title');

    const applied = await c.patch(item('SS-MUG-001'), { productType: NA.productTypeBySku['SS-MUG-001']!, patches: [{ ...patches[0], value: [{ value: 'Applied title', language_tag: 'en_US', marketplace_id: US }] }] });
    expect(applied.body.status).toBe('ACCEPTED');
    expect(applied.body.submissionId).toMatch(/^[0-9a-f]{32}$/);
    const after = await c.get(item('SS-MUG-001', '&includedData=summaries,attributes'));
    expect(after.body.summaries[0].itemName).toBe('Applied title');
    expect(after.body.attributes.item_name).toEqual([{ value: 'Applied title', language_tag: 'en_US', marketplace_id: US }]);
    // Other marketplaces keep their values.
    const ca = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-MUG-001?marketplaceIds=A2EUQ1WTGCTBG2`);
    expect(ca.body.summaries[0].itemName).not.toBe('Applied title');
  });

  it('images: replace the main image, delete a slot', async () => {
    const url = 'https://cdn.example.com/new-main.jpg';
    const r = await c.patch(item('SKU/RED 01+#'), {
      productType: 'PRODUCT',
      patches: [
        { op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: url, marketplace_id: US }] },
        { op: 'delete', path: '/attributes/other_product_image_locator_2', value: [{ marketplace_id: US }] },
      ],
    });
    expect(r.body.status).toBe('ACCEPTED');
    const after = await c.get(item('SKU/RED 01+#', '&includedData=summaries,attributes'));
    expect(after.body.summaries[0].mainImage.link).toBe(url);
    expect(after.body.attributes.other_product_image_locator_2).toBeUndefined();
  });

  it('a delete by attribute name alone is INVALID (selector values name the instances); with them, only those go', async () => {
    const type = NA.productTypeBySku['SS-MUG-001']!;
    const before = (await c.get(item('SS-MUG-001', '&includedData=attributes'))).body.attributes.bullet_point;
    expect(before.length).toBeGreaterThan(0);
    for (const mode of ['&mode=VALIDATION_PREVIEW', '']) {
      for (const value of [undefined, [], [{ language_tag: 'en_US' }]]) {
        const r = await c.patch(item('SS-MUG-001', mode), { productType: type, patches: [{ op: 'delete', path: '/attributes/bullet_point', ...(value ? { value } : {}) }] });
        expect(r.body.status).toBe('INVALID');
        expect(r.body.issues).toEqual([expect.objectContaining({ severity: 'ERROR', attributeNames: ['bullet_point'], message: expect.stringMatching(/cannot be deleted by name alone/) })]);
      }
    }
    expect((await c.get(item('SS-MUG-001', '&includedData=attributes'))).body.attributes.bullet_point).toEqual(before);
    const slot = before[0];
    const r = await c.patch(item('SS-MUG-001'), { productType: type, patches: [{ op: 'delete', path: '/attributes/bullet_point', value: [{ marketplace_id: slot.marketplace_id, language_tag: slot.language_tag }] }] });
    expect(r.body.status).toBe('ACCEPTED');
    const left = (await c.get(item('SS-MUG-001', '&includedData=attributes'))).body.attributes.bullet_point ?? [];
    expect(left.filter((v: any) => v.marketplace_id === slot.marketplace_id && v.language_tag === slot.language_tag)).toEqual([]);
  });

  it('bad values are INVALID with issues, and nothing is applied', async () => {
    const r = await c.patch(item('SS-MUG-001', '&mode=VALIDATION_PREVIEW'), {
      productType: NA.productTypeBySku['SS-MUG-001']!,
      patches: [
        { op: 'replace', path: '/attributes/item_name', value: [{ value: 'x'.repeat(201), marketplace_id: US }] },
        { op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: 'ftp://nope/img.jpg', marketplace_id: US }] },
        { op: 'replace', path: '/attributes/item_name/0/value', value: [{ value: 'nested' }] },
      ],
    });
    expect(r.body.status).toBe('INVALID');
    const names = r.body.issues.map((i: any) => i.attributeNames[0]);
    expect(names).toEqual(expect.arrayContaining(['item_name', 'main_product_image_locator']));
    expect(r.body.issues.every((i: any) => i.severity === 'ERROR')).toBe(true);
    expect(r.body.issues).toHaveLength(3);
    const applied = await c.patch(item('SS-MUG-001'), { productType: NA.productTypeBySku['SS-MUG-001']!, patches: [{ op: 'replace', path: '/attributes/item_name/0/value', value: [{ value: 'nested' }] }] });
    expect(applied.body.status).toBe('INVALID');
    expect((await c.get(item('SS-MUG-001'))).body.summaries[0].itemName).not.toBe('nested');
  });

  it('patch request errors: missing productType / patches → 400, unknown SKU → 404', async () => {
    expect((await c.patch(item('SS-MUG-001'), { patches: [] })).status).toBe(400);
    expect((await c.patch(item('SS-MUG-001'), { productType: NA.productTypeBySku['SS-MUG-001']!, patches: [] })).status).toBe(400);
    expect((await c.patch(item('SS-MUG-001'), { productType: NA.productTypeBySku['SS-MUG-001']!, patches: [{ op: 'upsert', path: '/attributes/item_name' }] })).status).toBe(400);
    const missing = await c.patch(item(NA.unknownSku), { productType: 'PRODUCT', patches: [{ op: 'delete', path: '/attributes/item_name' }] });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('NotFound');
  });
});
