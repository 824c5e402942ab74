import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import type { TestApp } from '../helpers/app.js';
import { expectError, expectStagedShape, isLiveWrite, NA, stagedData, startWriteEnv, US, type WriteEnv } from './helpers.js';

describe('listings.upload_feed', () => {
  let env: WriteEnv;
  const ctx: { testApp?: TestApp } = {};
  const SKU = 'SS-MUG-001';
  let productType: string;

  beforeAll(async () => {
    env = await startWriteEnv();
    ctx.testApp = env.testApp;
    productType = (await env.listing(SKU)).summaries[0]!.productType;
  });
  afterAll(async () => env?.close());

  const quantityFeed = (quantity: number, sellerId = 'AOTHERSELLER0') => ({
    header: { sellerId, version: '2.0' },
    messages: [
      {
        messageId: 1,
        sku: SKU,
        operationType: 'PATCH',
        productType,
        patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity }] }],
      },
      { messageId: 2, sku: 'BRAND-NEW-SKU-1', operationType: 'PARTIAL_UPDATE', productType, attributes: { item_name: [{ value: 'Enamel Camping Mug' }] } },
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
    expect(data.confirm.summary).toMatch(/JSON_LISTINGS_FEED of 2 message\(s\) \(1 PATCH, 1 PARTIAL_UPDATE\)/);
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
      const feed = await env.amazonGet<{ processingStatus: string }>(`/feeds/2021-06-30/feeds/${result.feed_id}`);
      if (feed.processingStatus === 'DONE') break;
      await sleep(100);
    }
    expect((await env.listing(SKU)).attributes.fulfillment_availability?.[0]).toMatchObject({ quantity: 42 });
  });

  it('passes other feed categories with their content type, without a preview', async () => {
    const { jobToken } = await env.mint();
    const xml = '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><MessageType>OrderFulfillment</MessageType></AmazonEnvelope>';
    const data = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: xml }));
    expect(data.confirm.diff_preview).toEqual([]);
    expect(data.validation.issues.map((i) => [i.code, i.severity])).toEqual([['FEED_NOT_PREVIEWED', 'INFO']]);
    const mark = env.mark();
    expect((await env.apply(data.confirmation_id)).statusCode).toBe(200);
    const calls = env.requestsSince(mark);
    // Text feeds declare UTF-8, the same string on createFeedDocument and on the upload.
    expect(calls[0]?.body).toEqual({ contentType: 'text/xml; charset=UTF-8' });
    expect(calls[1]?.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(calls[1]?.rawBody).toBe(xml);

    const tsv = stagedData(
      await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_FLAT_FILE_FULFILLMENT_DATA', content: 'order-id\tcarrier-code\n', content_type: 'text/tab-separated-values' }),
    );
    const mark2 = env.mark();
    expect((await env.apply(tsv.confirmation_id)).statusCode).toBe(200);
    expect(env.requestsSince(mark2)[0]?.body).toEqual({ contentType: 'text/tab-separated-values; charset=UTF-8' });
    expect(env.requestsSince(mark2)[1]?.headers['content-type']).toBe('text/tab-separated-values; charset=UTF-8');
  });

  it("non-ASCII text feeds reach Amazon as UTF-8: Amazon's processing report has no charset warning", async () => {
    const { jobToken } = await env.mint();
    const xml = '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><MessageType>OrderFulfillment</MessageType><Message>Café Crème</Message></AmazonEnvelope>';
    const data = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: xml }));
    const feedId = (await env.apply(data.confirmation_id)).json().data.result.feed_id as string;
    let feed: { processingStatus: string; resultFeedDocumentId?: string } = { processingStatus: 'IN_QUEUE' };
    for (let i = 0; i < 50 && !['DONE', 'FATAL', 'CANCELLED'].includes(feed.processingStatus); i++) {
      await sleep(100);
      feed = await env.amazonGet(`/feeds/2021-06-30/feeds/${feedId}`);
    }
    const doc = await env.amazonGet<{ url: string }>(`/feeds/2021-06-30/documents/${feed.resultFeedDocumentId}`);
    const bytes = Buffer.from(await (await fetch(doc.url)).arrayBuffer());
    const report = (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8');
    expect(report).toMatch(/<MessagesWithWarning>0<\/MessagesWithWarning>/);
  });

  it('refuses retired legacy listings feeds with the reason, and feeds that break the schema, before anything is sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const mark = env.mark();
    const retired = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_INVENTORY_AVAILABILITY_DATA', content: '<AmazonEnvelope/>' });
    expect(expectError(retired, 400, 'INVALID_REQUEST')).toMatch(/retired by Amazon on July 31, 2025.*JSON_LISTINGS_FEED/);
    const flat = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'POST_FLAT_FILE_LISTINGS_DATA', content: 'sku\tprice\n', content_type: 'text/tab-separated-values' });
    expect(expectError(flat, 400, 'INVALID_REQUEST')).toMatch(/FEED_TYPE_RETIRED/);
    const wrongType = await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: JSON.stringify(quantityFeed(1)), content_type: 'text/xml' });
    expect(expectError(wrongType, 400, 'INVALID_REQUEST')).toMatch(/params\.content_type must be application\/json/);
    const duplicate = quantityFeed(1);
    duplicate.messages[1]!.messageId = 1;
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: duplicate }), 400, 'INVALID_REQUEST')).toMatch(
      /params\.content\.messages\.1\.messageId .*FEED_MESSAGE_ID_DUPLICATE/,
    );
    const missing = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: SKU, operationType: 'PATCH', productType }] };
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: missing }), 400, 'INVALID_REQUEST')).toMatch(
      /params\.content\.messages\.0\.patches is required for operationType PATCH/,
    );
    // Amazon deletes attributes only by their selector values, in feeds as in the Listings Items API.
    const byName = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: SKU, operationType: 'PATCH', productType, patches: [{ op: 'delete', path: '/attributes/bullet_point' }] }] };
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: byName }), 400, 'INVALID_REQUEST')).toMatch(
      /params\.content\.messages\.0\.patches\.0\.value is required for delete: Amazon deletes attributes only by the selector values.*DELETE_SELECTORS_REQUIRED/,
    );
    const noMarketplace = structuredClone(byName);
    noMarketplace.messages[0]!.patches[0] = { op: 'delete', path: '/attributes/bullet_point', value: [{ language_tag: 'en_US' }] } as never;
    expect(expectError(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: noMarketplace }), 400, 'INVALID_REQUEST')).toMatch(
      /params\.content\.messages\.0\.patches\.0\.value\.0\.marketplace_id is required/,
    );
    expect(env.requestsSince(mark)).toEqual([]);
    expect(await env.list(orderId)).toEqual([]);
  });

  securityCases('listings.upload_feed', { feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: '<AmazonEnvelope/>' }, ctx);
});
