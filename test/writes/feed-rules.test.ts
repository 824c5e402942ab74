import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { MAX_FEED_BYTES, prepareFeed, prepareListingsFeed } from '../../src/writes/feed-rules.js';
import { ACCEPTED_FEED_TYPES, FEED_TYPE_CATEGORY, feedTypeRefusal, RETIRED_FEED_TYPES } from '../../src/writes/feed-types.js';
import { countByOperation } from '../../src/writes/feed-write.js';
import { readAmazonModel } from '../helpers/amazon-models.js';

const SELLER = 'A1SANDBOXNA0001';

export const acceptedFeeds: Record<string, unknown>[] = [
  {
    header: { sellerId: SELLER, version: '2.0', issueLocale: 'en_US' },
    messages: [
      { messageId: 1, sku: 'SS-MUG-001', operationType: 'PATCH', productType: 'DRINKING_CUP', patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 10 }] }] },
      { messageId: 2, sku: 'SS-BOTTLE-750', operationType: 'PARTIAL_UPDATE', productType: 'BOTTLE', attributes: { item_name: [{ value: 'Steel Water Bottle 750 ml', language_tag: 'en_US' }] } },
      { messageId: 3, sku: 'NEW-SKU-1', operationType: 'UPDATE', productType: 'BOTTLE', requirements: 'LISTING', attributes: { item_name: [{ value: 'Glass Bottle' }] } },
      { messageId: 4, sku: 'OLD-SKU', operationType: 'DELETE' },
    ],
  },
  {
    header: { sellerId: SELLER, version: '2.0', report: { includedData: ['issues', 'summaries'], apiVersion: '2021-08-01' } },
    messages: [{ messageId: 7, sku: 'X', operationType: 'PATCH', productType: 'PRODUCT', patches: [{ op: 'merge', path: '/attributes/bullet_point', value: [{ value: 'Sturdy' }] }] }],
  },
];

const violations = async (content: unknown) => (await prepareListingsFeed(content, SELLER)).violations.filter((v) => v.severity === 'ERROR');
const first = async (content: unknown) => (await violations(content))[0];
const feed = (messages: unknown[], header: Record<string, unknown> = { sellerId: SELLER, version: '2.0' }) => ({ header, messages });

describe('JSON_LISTINGS_FEED rules', () => {
  it('accepts valid feeds of every operation type', async () => {
    for (const doc of acceptedFeeds) expect(await violations(doc)).toEqual([]);
  });

  it("accepted feeds are valid against Amazon's listings feed schema v2", async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(readAmazonModel('listings-feed-schema-v2.json'));
    for (const doc of acceptedFeeds) {
      const prepared = (await prepareListingsFeed(doc, SELLER)).document;
      expect(validate(prepared), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('writes the connected seller id into the header, warning when another was given', async () => {
    const given = await prepareListingsFeed(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }], { sellerId: 'AOTHERSELLER', version: '2.0' }), SELLER);
    expect(given.document?.header.sellerId).toBe(SELLER);
    expect(given.violations.map((v) => [v.code, v.severity])).toEqual([['FEED_SELLER_ID_REPLACED', 'WARNING']]);
    const omitted = await prepareListingsFeed({ header: { version: '2.0' }, messages: [{ messageId: 1, sku: 'A', operationType: 'DELETE' }] }, SELLER);
    expect(omitted.document?.header.sellerId).toBe(SELLER);
    expect(omitted.violations).toEqual([]);
    const noHeader = await prepareListingsFeed({ messages: [{ messageId: 1, sku: 'A', operationType: 'DELETE' }] }, SELLER);
    expect(noHeader.document?.header).toEqual({ sellerId: SELLER, version: '2.0' });
  });

  it('accepts the document as a JSON string too', async () => {
    expect(await violations(JSON.stringify(acceptedFeeds[0]))).toEqual([]);
    expect((await first('{not json'))?.code).toBe('FEED_JSON_INVALID');
  });

  it('requires version 2.0 and 1..25,000 messages', async () => {
    expect((await first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }], { version: '1.0' })))?.field).toBe('params.content.header.version');
    expect((await first(feed([])))?.field).toBe('params.content.messages');
    const many = Array.from({ length: 25_001 }, (_, i) => ({ messageId: i + 1, sku: `S${i}`, operationType: 'DELETE' }));
    expect((await first(feed(many)))?.field).toBe('params.content.messages');
  });

  it('requires unique integer message ids, a sku and a known operationType', async () => {
    expect(await first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }, { messageId: 1, sku: 'B', operationType: 'DELETE' }]))).toMatchObject({
      code: 'FEED_MESSAGE_ID_DUPLICATE',
      field: 'params.content.messages.1.messageId',
    });
    expect((await first(feed([{ messageId: 1.5, sku: 'A', operationType: 'DELETE' }])))?.field).toBe('params.content.messages.0.messageId');
    expect((await first(feed([{ messageId: 0, sku: 'A', operationType: 'DELETE' }])))?.field).toBe('params.content.messages.0.messageId');
    expect((await first(feed([{ messageId: 1, operationType: 'DELETE' }])))?.field).toMatch(/^params\.content\.messages\.0/);
    expect((await first(feed([{ messageId: 1, sku: 'A', operationType: 'UPSERT' }])))?.field).toBe('params.content.messages.0.operationType');
    expect((await first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE', note: 'x' }])))?.field).toBe('params.content.messages.0.note');
  });

  it("enforces each operation's required and forbidden fields", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ operationType: 'UPDATE', attributes: { item_name: [{ value: 'x' }] } }, 'productType'],
      [{ operationType: 'UPDATE', productType: 'P' }, 'attributes'],
      [{ operationType: 'UPDATE', productType: 'P', attributes: { item_name: [{ value: 'x' }] }, patches: [{ op: 'delete', path: '/attributes/a' }] }, 'patches'],
      [{ operationType: 'PARTIAL_UPDATE', productType: 'P', requirements: 'LISTING', attributes: { item_name: [{ value: 'x' }] } }, 'requirements'],
      [{ operationType: 'PATCH', productType: 'P' }, 'patches'],
      [{ operationType: 'PATCH', productType: 'P', patches: [{ op: 'delete', path: '/attributes/a' }], attributes: { a: [{}] } }, 'attributes'],
      [{ operationType: 'DELETE', productType: 'P' }, 'productType'],
    ];
    for (const [message, field] of cases) {
      expect(await first(feed([{ messageId: 1, sku: 'A', ...message }])), JSON.stringify(message)).toMatchObject({ code: 'FEED_OPERATION_FIELDS', field: `params.content.messages.0.${field}` });
    }
  });

  it('applies the listing content rules to patches and attributes', async () => {
    expect((await first(feed([{ messageId: 1, sku: 'A', operationType: 'PATCH', productType: 'P', patches: [{ op: 'replace', path: '/attributes/item_name/0', value: [{ value: 'x' }] }] }])))?.code).toBe('PATCH_NESTED_PATH');
    expect(await first(feed([{ messageId: 1, sku: 'A', operationType: 'PARTIAL_UPDATE', productType: 'P', attributes: { item_name: [{ value: 'Mug Free Shipping' }] } }]))).toMatchObject({
      code: 'TITLE_PROMOTIONAL',
      field: 'params.content.messages.0.attributes.item_name.0.value',
    });
  });
});

/** Every feed type on Amazon's feed type values page (https://developer-docs.amazon.com/sp-api/docs/feed-type-values), by category. */
const AMAZON_FEED_TYPES: Record<string, string[]> = {
  'Easy Ship': ['POST_EASYSHIP_DOCUMENTS'],
  'Fulfillment by Amazon': [
    'POST_FULFILLMENT_ORDER_REQUEST_DATA',
    'POST_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA',
    'POST_FBA_INBOUND_CARTON_CONTENTS',
    'POST_FLAT_FILE_FBA_CREATE_REMOVAL',
    'POST_FLAT_FILE_FULFILLMENT_ORDER_REQUEST_DATA',
    'POST_FLAT_FILE_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA',
  ],
  Invoicing: ['UPLOAD_VAT_INVOICE'],
  Listings: ['JSON_LISTINGS_FEED'],
  Order: [
    'POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA',
    'POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA',
    'POST_FLAT_FILE_FULFILLMENT_DATA',
    'POST_FLAT_FILE_IL_SNAPSHOT_FEED',
    'POST_FLAT_FILE_IL_ALLOCATION_REQUESTS_CONFIRMATION_FEED',
    'POST_EXPECTED_SHIP_DATE_SOD_FLAT_FILE',
    'POST_INVOICE_CONFIRMATION_DATA',
    'POST_ORDER_ACKNOWLEDGEMENT_DATA',
    'POST_PAYMENT_ADJUSTMENT_DATA',
    'POST_ORDER_FULFILLMENT_DATA',
    'POST_EXPECTED_SHIP_DATE_SOD',
  ],
};

describe('feed types: only the Product Listing role', () => {
  it('accepts exactly JSON_LISTINGS_FEED, the Listings category', async () => {
    expect(ACCEPTED_FEED_TYPES).toEqual(AMAZON_FEED_TYPES.Listings);
    expect(feedTypeRefusal('JSON_LISTINGS_FEED')).toBeUndefined();
    expect((await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: acceptedFeeds[0]! }, SELLER)).violations).toEqual([]);
  });

  it("refuses every other type on Amazon's list naming its category and the roles Amazon names for it", async () => {
    const roles: Record<string, RegExp> = {
      'Easy Ship': /Inventory and Order Tracking, Direct to Consumer Shipping \(Restricted\) or Tax Invoicing \(Restricted\) role/,
      'Fulfillment by Amazon': /the Amazon Fulfillment role/,
      Invoicing: /the Tax Invoicing \(Restricted\) role/,
      Order: /Inventory and Order Tracking or Direct to Consumer Shipping \(Restricted\) role/,
    };
    for (const [category, types] of Object.entries(AMAZON_FEED_TYPES)) {
      if (category === 'Listings') continue;
      for (const feedType of types) {
        expect(FEED_TYPE_CATEGORY.get(feedType)?.name, feedType).toBe(category);
        const v = await prepareFeed({ feed_type: feedType, content: '<AmazonEnvelope/>' }, SELLER);
        expect(v.violations).toHaveLength(1);
        expect(v.violations[0]).toMatchObject({ code: 'FEED_TYPE_ROLE_NOT_HELD', field: 'params.feed_type', severity: 'ERROR' });
        expect(v.violations[0]?.message).toMatch(roles[category]!);
        expect(v.violations[0]?.message).toMatch(new RegExp(`^${feedType} is an Amazon ${category} feed.*SellerShorts holds Product Listing, Selling Partner Insights, Brand Analytics.*takes JSON_LISTINGS_FEED`));
        expect(v.bytes.length).toBe(0);
      }
    }
    expect(FEED_TYPE_CATEGORY.size).toBe(Object.values(AMAZON_FEED_TYPES).flat().length - 1);
  });

  it('refuses the retired legacy listings feeds with the reason', async () => {
    expect(RETIRED_FEED_TYPES.size).toBe(12);
    for (const feedType of RETIRED_FEED_TYPES) {
      const v = (await prepareFeed({ feed_type: feedType, content: '<x/>' }, SELLER)).violations[0];
      expect(v?.code).toBe('FEED_TYPE_RETIRED');
      expect(v?.message).toMatch(/retired by Amazon on July 31, 2025.*JSON_LISTINGS_FEED/);
    }
  });

  it('refuses a type Amazon does not list as unknown', async () => {
    for (const feedType of ['POST_NOT_A_FEED', 'RFQ_UPLOAD_FEED', 'json_listings_feed']) {
      expect(feedTypeRefusal(feedType)).toMatchObject({ code: 'FEED_TYPE_UNKNOWN', message: expect.stringMatching(/not a feed type Amazon lists.*takes JSON_LISTINGS_FEED/) });
    }
  });
});

describe('content type and size', () => {
  it('requires application/json, and defaults to it', async () => {
    expect((await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: acceptedFeeds[0]! }, SELLER)).contentType).toBe('application/json');
    for (const contentType of ['text/plain', 'text/xml', 'text/tab-separated-values']) {
      const v = (await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: JSON.stringify(acceptedFeeds[0]), content_type: contentType }, SELLER)).violations;
      expect(v.map((x) => [x.code, x.field])).toEqual([['FEED_CONTENT_TYPE', 'params.content_type']]);
    }
  });

  it('uploads the normalised document: compact JSON with the connected seller id', async () => {
    const prepared = await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: JSON.stringify(acceptedFeeds[0], null, 2) }, SELLER);
    expect(prepared.bytes.toString('utf8')).toBe(JSON.stringify(prepared.listings));
    expect(prepared.listings?.header.sellerId).toBe(SELLER);
  });

  it('caps a feed document at 10 MiB, before any content rule runs', async () => {
    // Every message breaks a title rule; the size alone is reported, the rules never run.
    const title = `Mug Free Shipping ${'x'.repeat(400)}`;
    const messages = Array.from({ length: 25_000 }, (_, i) => ({ messageId: i + 1, sku: `S${i}`, operationType: 'PARTIAL_UPDATE', productType: 'P', attributes: { item_name: [{ value: title }] } }));
    const big = await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: feed(messages) }, SELLER);
    expect(big.violations.map((v) => v.code)).toEqual(['FEED_TOO_LARGE']);
    expect((await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: 'x'.repeat(MAX_FEED_BYTES + 1) }, SELLER)).violations.map((v) => v.code)).toEqual(['FEED_TOO_LARGE']);
  });
});

describe('a full feed and the event loop', () => {
  it('checks 25,000 messages in slices: other work runs in between, and the caller\'s document is left as sent', async () => {
    const messages = Array.from({ length: 25_000 }, (_, i) => ({
      messageId: i + 1,
      sku: `SKU-${i}`,
      operationType: 'PARTIAL_UPDATE',
      productType: 'DRINKING_CUP',
      attributes: { item_name: [{ value: 'Stoneware Coffee Mug, 12 oz, Blue' }], bullet_point: [{ value: `Holds 12 oz ${'a.'.repeat(60)}` }] },
    }));
    const content = { header: { sellerId: 'AOTHERSELLER', version: '2.0' }, messages };
    const sent = JSON.stringify(content);
    // Other work waiting on the loop: how often it got a turn while the feed was checked.
    let turns = 0;
    let running = true;
    let last = performance.now();
    let longestWaitMs = 0;
    const other = () => {
      turns += 1;
      const now = performance.now();
      longestWaitMs = Math.max(longestWaitMs, now - last);
      last = now;
      if (running) setImmediate(other);
    };
    setImmediate(other);
    const prepared = await prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content }, SELLER);
    running = false;
    expect(prepared.violations).toEqual([expect.objectContaining({ code: 'FEED_SELLER_ID_REPLACED' })]);
    expect(prepared.listings?.messages).toHaveLength(25_000);
    expect(JSON.stringify(content)).toBe(sent);
    // Schema and rules give other work a turn every ~10 ms of checking (in one pass it got 3 turns and
    // waited 250–400 ms once). The bound on the wait is loose on purpose: a busy machine's GC pauses
    // land in it too.
    expect(turns).toBeGreaterThan(10);
    expect(longestWaitMs).toBeLessThan(150);
  });
});

describe('countByOperation', () => {
  it("counts messages per operation in Amazon's order, leaving out operations with none", async () => {
    const messages = acceptedFeeds[0]!.messages as Parameters<typeof countByOperation>[0];
    expect(countByOperation([...messages, ...messages.slice(0, 1)])).toEqual({ UPDATE: 1, PARTIAL_UPDATE: 1, PATCH: 2, DELETE: 1 });
    expect(Object.keys(countByOperation([messages[3]!, messages[0]!]))).toEqual(['PATCH', 'DELETE']);
  });
});
