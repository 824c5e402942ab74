import { describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import { internalHeaders } from '../helpers/app.js';
import { expectError } from '../helpers/envelope.js';
import { expectStagedShape, isLiveWrite, MUG_SKU, NA, stagedData, titlePatch, US, useWriteEnv } from './helpers.js';

describe('listings.update', () => {
  const env = useWriteEnv();
  const SKU = MUG_SKU;

  it("stages with a diff computed from Amazon's listing, and nothing reaches Amazon's live state", async () => {
    const { jobToken, orderId } = await env.mint();
    const before = await env.listing(SKU);
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.update', env.titleUpdate('Stoneware Coffee Mug, 12 oz')));
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([
      {
        path: '/attributes/item_name',
        before: before.attributes.item_name,
        after: [{ value: 'Stoneware Coffee Mug, 12 oz', language_tag: 'en_US', marketplace_id: US }],
      },
    ]);
    expect(data.confirm.summary).toContain(SKU);
    expect(data.confirm.summary).toContain('Stoneware Coffee Mug, 12 oz');
    expect(data.validation.issues).toEqual([]);

    const sent = env.requestsSince(mark);
    expect(sent.map((r) => `${r.method} ${r.operation}`)).toEqual(['GET getListingsItem', 'PATCH patchListingsItem']);
    expect(sent[1]?.query.mode).toBe('VALIDATION_PREVIEW');
    expect(sent.some(isLiveWrite)).toBe(false);
    expect((await env.listing(SKU)).attributes.item_name).toEqual(before.attributes.item_name);

    const listed = await env.list(orderId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: data.confirmation_id, capability: 'listings.update', status: 'pending', summary: data.confirm.summary, diff_preview: data.confirm.diff_preview });
  });

  it('applies exactly once: one PATCH with the previewed patch, and the same answer on every later apply', async () => {
    const { jobToken } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.update', env.titleUpdate('Glazed Stoneware Mug, 12 oz')));
    const mark = env.mark();
    const first = await env.apply(data.confirmation_id);
    expect(first.statusCode, first.body).toBe(200);
    const answer = first.json().data as { status: string; result: { sku: string; status: string; submission_id: string; issues: unknown[] } };
    expect(answer.status).toBe('APPLIED');
    expect(answer.result).toMatchObject({ sku: SKU, status: 'ACCEPTED', issues: [] });
    expect(answer.result.submission_id).toEqual(expect.any(String));
    const writes = env.requestsSince(mark).filter(isLiveWrite);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.path).toBe(`/listings/2021-08-01/items/${NA.sellingPartnerId}/${SKU}`);
    expect(writes[0]?.query).toEqual({ marketplaceIds: US, includedData: 'issues' });
    expect(writes[0]?.body).toEqual({ productType: env.mugProductType, patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Glazed Stoneware Mug, 12 oz', language_tag: 'en_US', marketplace_id: US }] }] });
    expect((await env.listing(SKU)).summaries[0]?.itemName).toBe('Glazed Stoneware Mug, 12 oz');

    const again = await env.apply(data.confirmation_id);
    expect(again.json()).toEqual(first.json());
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
  });

  it("takes the 'before' from Amazon each time, whatever the caller believes", async () => {
    const { jobToken } = await env.mint();
    const current = (await env.listing(SKU)).attributes.item_name;
    const data = stagedData(await env.call(jobToken, 'listings.update', env.titleUpdate('Another Mug Title')));
    expect(data.confirm.diff_preview[0]?.before).toEqual(current);
    // A caller cannot hand in its own "before": unknown fields are refused by name.
    const forged = await env.call(jobToken, 'listings.update', { sku: SKU, product_type: env.mugProductType, patches: [{ ...titlePatch('X')[0], before: [{ value: 'fake' }] }] });
    expect(expectError(forged, 400, 'INVALID_REQUEST').message).toMatch(/params\.patches\.0\.before/);
  });

  it("refuses to stage a patch Amazon's validation preview answers INVALID, with Amazon's issues in details", async () => {
    const { jobToken, orderId } = await env.mint();
    const mark = env.mark();
    const response = await env.call(jobToken, 'listings.update', { sku: SKU, product_type: env.mugProductType, patches: [{ op: 'replace', path: '/attributes/fake_attribute', value: [{ value: 'x' }] }] });
    expect(expectError(response, 400, 'INVALID_REQUEST').message).toMatch(/params\.patches Amazon's validation preview refused the patch: Amazon: The attributes are invalid/);
    expect(response.json().error.details).toMatchObject({ field: 'params.patches', issues: [{ code: '90000900', severity: 'ERROR', attributeNames: ['fake_attribute'] }] });
    expect(env.requestsSince(mark).some(isLiveWrite)).toBe(false);
    expect(await env.list(orderId)).toEqual([]);
  });

  it('answers REJECTED_BY_AMAZON, never APPLIED, when Amazon refuses the confirmed patch; recorded and replayed, never re-sent', async () => {
    const sku = 'SS-PET-004';
    const { jobToken, orderId } = await env.mint();
    const type = (await env.listing(sku)).summaries[0]!.productType;
    const data = stagedData(await env.call(jobToken, 'listings.update', { sku, product_type: type, patches: titlePatch('Speckled Stoneware Mug') }));
    const before = await env.listing(sku);
    // Meanwhile the seller changes the listing's product type in Seller Central: Amazon now refuses the patch.
    env.sim.editListing(NA.sellingPartnerId, sku, (listing) => {
      listing.productType = 'HOME_ORGANIZERS_AND_STORAGE';
    });
    const mark = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    const answer = applied.json().data as { status: string; result: { status: string; issues: { code: string; severity: string }[] } };
    expect(answer.status).toBe('REJECTED_BY_AMAZON');
    expect(answer.result.status).toBe('INVALID');
    expect(answer.result.issues).toContainEqual(expect.objectContaining({ code: '4000005', severity: 'ERROR' }));
    expect((await env.listing(sku)).attributes.item_name).toEqual(before.attributes.item_name);

    expect((await env.apply(data.confirmation_id)).json()).toEqual(applied.json());
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'amazon_rejected', result: answer.result });
    const audit = await env.app.inject({ method: 'GET', url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(env.config) });
    expect((audit.json().data.events as { outcome: string }[]).map((e) => e.outcome)).toEqual(['PENDING_CONFIRMATION', 'REJECTED_BY_AMAZON']);
    env.sim.editListing(NA.sellingPartnerId, sku, (listing) => {
      listing.productType = type;
    });
  });

  it("fills a delete's selector values from the listing's current instances and says so; Amazon deletes just those", async () => {
    const sku = NA.outOfStockSku;
    const { jobToken } = await env.mint();
    const type = (await env.listing(sku)).summaries[0]!.productType;
    const current = (await env.listing(sku)).attributes.bullet_point as { marketplace_id: string; language_tag: string }[];
    expect(current.length).toBeGreaterThan(0);
    const selectors = [...new Map(current.filter((v) => v.marketplace_id === US).map((v) => [v.language_tag, { marketplace_id: US, language_tag: v.language_tag }])).values()];
    const data = stagedData(await env.call(jobToken, 'listings.update', { sku, product_type: type, patches: [{ op: 'delete', path: '/attributes/bullet_point' }] }));
    expect(data.validation.issues).toEqual([
      { code: 'DELETE_SELECTORS_FILLED', severity: 'INFO', message: expect.stringMatching(/^params\.patches\.0\.value was filled in from the listing's current bullet_point/) },
    ]);
    expect(data.confirm.diff_preview).toEqual([{ path: '/attributes/bullet_point', before: current, after: current.some((v) => v.marketplace_id !== US) ? current.filter((v) => v.marketplace_id !== US) : null }]);
    const mark = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.json().data).toMatchObject({ status: 'APPLIED', result: { status: 'ACCEPTED' } });
    expect(env.requestsSince(mark).find(isLiveWrite)?.body).toEqual({ productType: type, patches: [{ op: 'delete', path: '/attributes/bullet_point', value: selectors }] });
    expect(((await env.listing(sku)).attributes.bullet_point ?? []).filter((v) => (v as { marketplace_id?: string }).marketplace_id === US)).toEqual([]);

    // Nothing left to name: refused on the value field, nothing sent.
    const mark2 = env.mark();
    const again = await env.call(jobToken, 'listings.update', { sku, product_type: type, patches: [{ op: 'delete', path: '/attributes/bullet_point' }] });
    expect(expectError(again, 400, 'INVALID_REQUEST').message).toMatch(/^params\.patches\.0\.value is required: the listing has no bullet_point in marketplace ATVPDKIKX0DER.*DELETE_SELECTORS_REQUIRED/);
    expect(env.requestsSince(mark2).map((r) => r.operation)).toEqual(['getListingsItem']);
  });

  it('refuses broker rule violations before anything is sent, naming the rule and field', async () => {
    const { jobToken, orderId } = await env.mint();
    const mark = env.mark();
    const cases: [unknown[], RegExp][] = [
      [[{ op: 'replace', path: '/attributes/item_name/0/value', value: [{ value: 'x' }] }], /params\.patches\.0\.path .*nested.*PATCH_NESTED_PATH/],
      [[{ op: 'add', path: '/attributes/bullet_point' }], /params\.patches\.0\.value is required.*PATCH_VALUE_REQUIRED/],
      [titlePatch('x'.repeat(201)), /at most 200 characters.*TITLE_TOO_LONG/],
      [titlePatch('Great Mug!'), /TITLE_FORBIDDEN_CHARACTER/],
      [titlePatch('Coffee Mug Free Shipping'), /"free shipping".*TITLE_PROMOTIONAL/],
      [[{ op: 'replace', path: '/attributes/bullet_point', value: [{ value: 'Mail us at a@b.com' }] }], /e-mail address.*TEXT_CONTACT_DETAILS/],
      [[{ op: 'replace', path: '/attributes/product_description', value: [{ value: '<b>Bold</b>' }] }], /HTML.*TEXT_HTML/],
      [[{ op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: 'https://127.0.0.1/a.jpg' }] }], /IMAGE_URL_PRIVATE_HOST/],
    ];
    for (const [patches, message] of cases) {
      const response = await env.call(jobToken, 'listings.update', { sku: SKU, product_type: env.mugProductType, patches });
      expect(expectError(response, 400, 'INVALID_REQUEST').message, JSON.stringify(patches).slice(0, 60)).toMatch(message);
    }
    expect(env.requestsSince(mark)).toEqual([]);
    expect(await env.list(orderId)).toEqual([]);
  });

  it('stages warnings with the write', async () => {
    const { jobToken } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.update', env.titleUpdate('STONEWARE COFFEE MUG WHITE')));
    expect(data.validation.issues.map((i) => [i.code, i.severity])).toContainEqual(['TITLE_ALL_CAPS', 'WARNING']);
  });

  it("answers SP_API_ERROR with Amazon's 404 and names the field for a SKU Amazon does not know", async () => {
    const { jobToken } = await env.mint();
    const response = await env.call(jobToken, 'listings.update', { sku: NA.unknownSku, product_type: env.mugProductType, patches: titlePatch('x') });
    expect(expectError(response, 502, 'SP_API_ERROR').message).toMatch(/params\.sku/);
    expect(response.json().error.details).toMatchObject({ status: 404, errors: [{ code: expect.any(String) }], field: 'params.sku' });
  });

  it('percent-encodes SKUs in the path', async () => {
    const { jobToken } = await env.mint();
    const type = (await env.listing(NA.encodedSku)).summaries[0]!.productType;
    const data = stagedData(await env.call(jobToken, 'listings.update', { sku: NA.encodedSku, product_type: type, patches: titlePatch('Red Mug') }));
    const mark = env.mark();
    expect((await env.apply(data.confirmation_id)).statusCode).toBe(200);
    expect(env.requestsSince(mark).find(isLiveWrite)?.path).toBe(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SKU%2FRED%2001%2B%23`);
  });

  it("reaches SKUs named '.' and '..', which a URL parser would drop as path segments", async () => {
    const { jobToken } = await env.mint({ autoApply: ['listings.upload_feed'] });
    const create = (sku: string, messageId: number) => ({ messageId, sku, operationType: 'UPDATE', productType: env.mugProductType, requirements: 'LISTING', attributes: { item_name: [{ value: `Dot mug ${messageId}` }] } });
    const feed = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: { header: { version: '2.0' }, messages: [create('.', 1), create('..', 2)] } }));
    expect(feed.status).toBe('APPLIED');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // Amazon processes the feed
    for (const sku of ['.', '..']) {
      const { jobToken: token } = await env.mint();
      const mark = env.mark();
      const data = stagedData(await env.call(token, 'listings.update', { sku, product_type: env.mugProductType, patches: titlePatch('Dotted Stoneware Mug') }));
      expect(data.confirm.diff_preview[0]?.before).toEqual([expect.objectContaining({ value: `Dot mug ${sku.length}` })]);
      const encoded = sku === '.' ? '%2E' : '%2E%2E';
      expect(env.requestsSince(mark).map((r) => r.path)).toEqual([`/listings/2021-08-01/items/${NA.sellingPartnerId}/${encoded}`, `/listings/2021-08-01/items/${NA.sellingPartnerId}/${encoded}`]);
      expect((await env.apply(data.confirmation_id)).json().data.status).toBe('APPLIED');
      // Read back through the broker (a read takes the same path; fetch() itself would drop the segment).
      const { jobToken: reader } = await env.mint({ capabilities: ['listings.get'] });
      const read = await env.call(reader, 'listings.get', { sku });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().data).toMatchObject({ sku, summaries: [expect.objectContaining({ item_name: 'Dotted Stoneware Mug' })] });
    }
  });

  it("applies at once when the token's auto_apply names the capability", async () => {
    const { jobToken, orderId } = await env.mint({ autoApply: ['listings.update'] });
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.update', env.titleUpdate('Auto Applied Mug')));
    expect(data.status).toBe('APPLIED');
    expect(data.confirmation_id).toMatch(/^cnf_/);
    expect(new Date(data.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(data.result).toMatchObject({ sku: SKU, status: 'ACCEPTED' });
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'applied', result: data.result });
    expect((await env.apply(data.confirmation_id)).json().data.result).toEqual(data.result);
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
  });

  securityCases('listings.update', { sku: SKU, product_type: 'DRINKING_CUP', patches: titlePatch('Mug') }, env);
});
