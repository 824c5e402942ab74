import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import { expectError } from '../helpers/envelope.js';
import { expectStagedShape, isLiveWrite, MUG_SKU, NA, stagedData, US, useWriteEnv } from './helpers.js';

describe('listings.upload_feed', () => {
  const env = useWriteEnv();
  const SKU = MUG_SKU;

  const quantityFeed = (quantity: number, sellerId = 'AOTHERSELLER0') => ({
    header: { sellerId, version: '2.0' },
    messages: [
      {
        messageId: 1,
        sku: SKU,
        operationType: 'PATCH',
        productType: env.mugProductType,
        patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity }] }],
      },
      { messageId: 2, sku: 'BRAND-NEW-SKU-1', operationType: 'PARTIAL_UPDATE', productType: env.mugProductType, attributes: { item_name: [{ value: 'Enamel Camping Mug' }] } },
    ],
  });

  it("stages a JSON listings feed with a diff from Amazon's listings, the connected seller id written in", async () => {
    const { jobToken } = await env.mint();
    const before = await env.listing(SKU);
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: quantityFeed(42) }));
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([
      {
        path: `/listings/${SKU}/attributes/fulfillment_availability`,
        before: before.attributes.fulfillment_availability ?? null,
        after: [{ fulfillment_channel_code: 'DEFAULT', quantity: 42 }],
      },
      { path: '/listings/BRAND-NEW-SKU-1/attributes/item_name', before: null, after: [{ value: 'Enamel Camping Mug' }] },
    ]);
    expect(data.confirm.summary).toMatch(/JSON_LISTINGS_FEED of 2 messages \(1 PARTIAL_UPDATE, 1 PATCH\) for 2 SKUs: SS-MUG-001, BRAND-NEW-SKU-1\./);
    expect(data.confirm.summary).toContain(NA.sellingPartnerId);
    expect(data.validation.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['FEED_SELLER_ID_REPLACED', 'FEED_NO_AMAZON_PREVIEW']));
    const sent = env.requestsSince(mark);
    expect(sent.every((r) => r.method === 'GET')).toBe(true);

    // Apply: createFeedDocument → PUT with the declared content type → createFeed, once.
    const mark2 = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    const result = applied.json().data.result as { feed_id: string; feed_document_id: string };
    expect(result).toEqual({ feed_id: expect.any(String), feed_document_id: expect.any(String) });
    const calls = env.requestsSince(mark2);
    expect(calls.map((r) => `${r.method} ${r.operation}`)).toEqual(['POST createFeedDocument', 'PUT uploadFeedDocument', 'POST createFeed']);
    expect(calls[0]?.body).toEqual({ contentType: 'application/json' });
    expect(calls[1]?.headers['content-type']).toBe('application/json');
    const uploaded = JSON.parse(calls[1]!.rawBody) as { header: { sellerId: string } };
    expect(uploaded.header.sellerId).toBe(NA.sellingPartnerId);
    expect(calls[2]?.body).toEqual({ feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: result.feed_document_id });

    expect((await env.apply(data.confirmation_id)).json()).toEqual(applied.json());
    expect(env.requestsSince(mark2).filter(isLiveWrite)).toHaveLength(2);

    // Amazon processes it: the quantity changes only now.
    for (let i = 0; i < 50; i += 1) {
      const feed = (await env.seller.get(`/feeds/2021-06-30/feeds/${result.feed_id}`)).body as { processingStatus: string };
      if (feed.processingStatus === 'DONE') break;
      await sleep(100);
    }
    expect((await env.listing(SKU)).attributes.fulfillment_availability?.[0]).toMatchObject({ quantity: 42 });
  });

  it('refuses retired legacy listings feeds with the reason, and feeds that break the schema, before anything is sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const mark = env.mark();
    const retired = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_INVENTORY_AVAILABILITY_DATA', content: '<AmazonEnvelope/>' });
    expect(expectError(retired, 400, 'INVALID_REQUEST').message).toMatch(/retired by Amazon on July 31, 2025.*JSON_LISTINGS_FEED/);
    const flat = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_FLAT_FILE_LISTINGS_DATA', content: 'sku\tprice\n', content_type: 'text/tab-separated-values' });
    expect(expectError(flat, 400, 'INVALID_REQUEST').message).toMatch(/FEED_TYPE_RETIRED/);
    const wrongType = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: JSON.stringify(quantityFeed(1)), content_type: 'text/xml' });
    expect(expectError(wrongType, 400, 'INVALID_REQUEST').message).toMatch(/params\.content_type must be application\/json/);
    const duplicate = quantityFeed(1);
    duplicate.messages[1]!.messageId = 1;
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: duplicate }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.content\.messages\.1\.messageId .*FEED_MESSAGE_ID_DUPLICATE/,
    );
    const missing = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: SKU, operationType: 'PATCH', productType: env.mugProductType }] };
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: missing }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.content\.messages\.0\.patches is required for operationType PATCH/,
    );
    // Amazon deletes attributes only by their selector values, in feeds as in the Listings Items API.
    const byName = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: SKU, operationType: 'PATCH', productType: env.mugProductType, patches: [{ op: 'delete', path: '/attributes/bullet_point' }] }] };
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: byName }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.content\.messages\.0\.patches\.0\.value is required for delete: Amazon deletes attributes only by the selector values.*DELETE_SELECTORS_REQUIRED/,
    );
    const noMarketplace = structuredClone(byName);
    noMarketplace.messages[0]!.patches[0] = { op: 'delete', path: '/attributes/bullet_point', value: [{ language_tag: 'en_US' }] } as never;
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: noMarketplace }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.content\.messages\.0\.patches\.0\.value\.0\.marketplace_id is required/,
    );
    expect(env.requestsSince(mark)).toEqual([]);
    expect(await env.list(orderId)).toEqual([]);
  });

  /** The five feed types issue 20 saw applied (auto-apply), each with a role Amazon names for it. */
  const OUTSIDE_ROLES: [string, RegExp][] = [
    ['POST_PAYMENT_ADJUSTMENT_DATA', /Inventory and Order Tracking.*Direct to Consumer Shipping/],
    ['POST_ORDER_FULFILLMENT_DATA', /Inventory and Order Tracking.*Direct to Consumer Shipping/],
    ['POST_ORDER_ACKNOWLEDGEMENT_DATA', /Inventory and Order Tracking.*Direct to Consumer Shipping/],
    ['POST_FBA_INBOUND_CARTON_CONTENTS', /Amazon Fulfillment/],
    ['UPLOAD_VAT_INVOICE', /Tax Invoicing/],
  ];

  it('refuses feed types of roles SellerShorts does not hold, naming the role; nothing reaches Amazon, even with auto-apply', async () => {
    const { jobToken, orderId } = await env.mint({ autoApply: ['listings.upload_feed'] });
    const mark = env.mark();
    const created = { createFeedDocument: env.sim.stats.calls.createFeedDocument ?? 0, createFeed: env.sim.stats.calls.createFeed ?? 0 };
    for (const [feedType, role] of OUTSIDE_ROLES) {
      const answer = await env.call(jobToken, 'listings.upload_feed', { feed_type: feedType, content: '<?xml version="1.0"?><AmazonEnvelope/>' });
      const message = expectError(answer, 400, 'INVALID_REQUEST').message;
      expect(message, feedType).toMatch(role);
      expect(message).toContain(feedType);
      expect(message).toMatch(/JSON_LISTINGS_FEED/);
      expect((answer.json() as { error: { details: { field: string } } }).error.details.field).toBe('params.feed_type');
    }
    expect(env.requestsSince(mark)).toEqual([]);
    expect({ createFeedDocument: env.sim.stats.calls.createFeedDocument ?? 0, createFeed: env.sim.stats.calls.createFeed ?? 0 }).toEqual(created);
    expect(await env.list(orderId)).toEqual([]);
  });

  it('refuses a feed type Amazon does not list as unknown, and says which it takes', async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_NOT_A_FEED', content: '{}' }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.feed_type POST_NOT_A_FEED is not a feed type Amazon lists.*takes JSON_LISTINGS_FEED.*FEED_TYPE_UNKNOWN/,
    );
    // Not spelt as a feed type: schema validation names the field and the one value it takes.
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'json listings', content: '{}' }), 400, 'INVALID_REQUEST').message).toMatch(
      /params\.feed_type.*JSON_LISTINGS_FEED/,
    );
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('a confirmation of another feed type staged before the rule is refused at apply, naming the role; nothing is sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const staged = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: quantityFeed(5) }));
    // What the broker stored before feed types were held to its roles.
    const params = { feed_type: 'POST_PAYMENT_ADJUSTMENT_DATA', content: '<?xml version="1.0"?><AmazonEnvelope/>', content_type: 'text/xml', marketplace_id: US };
    await env.app.services.db.updateTable('confirmations').set({ params: JSON.stringify(params) }).where('id', '=', staged.confirmation_id).execute();
    const mark = env.mark();
    const answer = await env.apply(staged.confirmation_id);
    expect(expectError(answer, 400, 'INVALID_REQUEST').message).toMatch(/POST_PAYMENT_ADJUSTMENT_DATA is an Amazon Order feed.*Inventory and Order Tracking.*FEED_TYPE_ROLE_NOT_HELD/);
    expect(env.requestsSince(mark).filter((r) => r.operation !== 'getListingsItem')).toEqual([]);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_REQUEST' } });
  });

  it('previews a feed of many messages truthfully: every message counted by operation, the first 5 SKUs in full, the rest counted', async () => {
    const { jobToken } = await env.mint();
    const skus = Array.from({ length: 12 }, (_, i) => `MANY-SKU-${String(i + 1).padStart(2, '0')}`);
    let id = 0;
    const messages: Record<string, unknown>[] = [];
    // The first SKU is a real listing, patched twice; every new SKU gets a PARTIAL_UPDATE, some an UPDATE or a DELETE.
    messages.push({ messageId: ++id, sku: SKU, operationType: 'PATCH', productType: env.mugProductType, patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }] }] });
    for (const sku of skus) messages.push({ messageId: ++id, sku, operationType: 'PARTIAL_UPDATE', productType: env.mugProductType, attributes: { item_name: [{ value: `Mug ${sku}` }] } });
    messages.push({ messageId: ++id, sku: SKU, operationType: 'PATCH', productType: env.mugProductType, patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Stoneware Mug, Blue' }] }] });
    for (const sku of skus.slice(8)) messages.push({ messageId: ++id, sku, operationType: 'DELETE' });
    messages.push({ messageId: ++id, sku: skus[2], operationType: 'UPDATE', productType: env.mugProductType, attributes: { item_name: [{ value: 'Glass Mug' }] } });
    const before = await env.listing(SKU);
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: { header: { version: '2.0' }, messages } }));
    expectStagedShape(data);

    // Summary: all 19 messages by operation, the SKUs named then counted, and every SKU a DELETE removes.
    expect(data.confirm.summary).toMatch(
      /^Upload a JSON_LISTINGS_FEED of 19 messages \(1 UPDATE, 12 PARTIAL_UPDATE, 2 PATCH, 4 DELETE\) for 13 SKUs: SS-MUG-001, MANY-SKU-01, MANY-SKU-02, MANY-SKU-03, MANY-SKU-04 and 8 more; it deletes 4 listings: MANY-SKU-09, MANY-SKU-10, MANY-SKU-11, MANY-SKU-12\. /,
    );

    // The first 5 SKUs in full, from Amazon's current listings: one read each, nothing else.
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(Array(5).fill('getListingsItem'));
    const shown = data.confirm.diff_preview.filter((e) => e.path !== '/listings');
    expect([...new Set(shown.map((e) => decodeURIComponent(e.path.split('/')[2]!)))]).toEqual([SKU, ...skus.slice(0, 4)]);
    expect(shown.filter((e) => e.path.startsWith(`/listings/${SKU}/`))).toEqual([
      { path: `/listings/${SKU}/attributes/fulfillment_availability`, before: before.attributes.fulfillment_availability ?? null, after: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }] },
      { path: `/listings/${SKU}/attributes/item_name`, before: before.attributes.item_name ?? null, after: [{ value: 'Stoneware Mug, Blue' }] },
    ]);
    // MANY-SKU-03: created by its PARTIAL_UPDATE, then replaced whole by its UPDATE.
    expect(shown.filter((e) => e.path.startsWith('/listings/MANY-SKU-03/'))).toEqual([
      { path: '/listings/MANY-SKU-03/attributes/item_name', before: null, after: [{ value: 'Mug MANY-SKU-03' }] },
      { path: '/listings/MANY-SKU-03/attributes/item_name', before: [{ value: 'Mug MANY-SKU-03' }], after: [{ value: 'Glass Mug' }] },
    ]);

    // The other 8 SKUs are counted, with what their messages do.
    expect(data.confirm.diff_preview.at(-1)).toEqual({
      path: '/listings',
      before: null,
      after: { skus_not_shown: 8, messages_not_shown: 12, by_operation: { PARTIAL_UPDATE: 8, DELETE: 4 } },
    });
    expect(data.validation.issues).toContainEqual({ code: 'FEED_PREVIEW_PARTIAL', severity: 'INFO', message: expect.stringMatching(/first 5 of 13 SKUs.*other 8 \(12 messages\)/) });
  });

  it('tells agents the accepted feed types in its params schema', async () => {
    const { jobToken } = await env.mint();
    const listed = await env.app.inject({ method: 'GET', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}` } });
    const feed = (listed.json() as { data: { name: string; params_schema: { properties: Record<string, { enum?: unknown[] }> } }[] }).data.find((c) => c.name === 'listings.upload_feed');
    expect(feed?.params_schema.properties.feed_type?.enum).toEqual(['JSON_LISTINGS_FEED']);
  });

  securityCases('listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: { header: { version: '2.0' }, messages: [{ messageId: 1, sku: 'SS-MUG-001', operationType: 'DELETE' }] } }, env);
});
