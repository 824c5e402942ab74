import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { MAX_FEED_BYTES, prepareFeed, prepareListingsFeed, RETIRED_FEED_TYPES } from '../../src/writes/feed-rules.js';
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

const violations = (content: unknown) => prepareListingsFeed(content, SELLER).violations.filter((v) => v.severity === 'ERROR');
const first = (content: unknown) => violations(content)[0];
const feed = (messages: unknown[], header: Record<string, unknown> = { sellerId: SELLER, version: '2.0' }) => ({ header, messages });

describe('JSON_LISTINGS_FEED rules', () => {
  it('accepts valid feeds of every operation type', () => {
    for (const doc of acceptedFeeds) expect(violations(doc)).toEqual([]);
  });

  it("accepted feeds are valid against Amazon's listings feed schema v2", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(readAmazonModel('listings-feed-schema-v2.json'));
    for (const doc of acceptedFeeds) {
      const prepared = prepareListingsFeed(doc, SELLER).document;
      expect(validate(prepared), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('writes the connected seller id into the header, warning when another was given', () => {
    const given = prepareListingsFeed(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }], { sellerId: 'AOTHERSELLER', version: '2.0' }), SELLER);
    expect(given.document?.header.sellerId).toBe(SELLER);
    expect(given.violations.map((v) => [v.code, v.severity])).toEqual([['FEED_SELLER_ID_REPLACED', 'WARNING']]);
    const omitted = prepareListingsFeed({ header: { version: '2.0' }, messages: [{ messageId: 1, sku: 'A', operationType: 'DELETE' }] }, SELLER);
    expect(omitted.document?.header.sellerId).toBe(SELLER);
    expect(omitted.violations).toEqual([]);
    const noHeader = prepareListingsFeed({ messages: [{ messageId: 1, sku: 'A', operationType: 'DELETE' }] }, SELLER);
    expect(noHeader.document?.header).toEqual({ sellerId: SELLER, version: '2.0' });
  });

  it('accepts the document as a JSON string too', () => {
    expect(violations(JSON.stringify(acceptedFeeds[0]))).toEqual([]);
    expect(first('{not json')?.code).toBe('FEED_JSON_INVALID');
  });

  it('requires version 2.0 and 1..25,000 messages', () => {
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }], { version: '1.0' }))?.field).toBe('params.content.header.version');
    expect(first(feed([]))?.field).toBe('params.content.messages');
    const many = Array.from({ length: 25_001 }, (_, i) => ({ messageId: i + 1, sku: `S${i}`, operationType: 'DELETE' }));
    expect(first(feed(many))?.field).toBe('params.content.messages');
  });

  it('requires unique integer message ids, a sku and a known operationType', () => {
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE' }, { messageId: 1, sku: 'B', operationType: 'DELETE' }]))).toMatchObject({
      code: 'FEED_MESSAGE_ID_DUPLICATE',
      field: 'params.content.messages.1.messageId',
    });
    expect(first(feed([{ messageId: 1.5, sku: 'A', operationType: 'DELETE' }]))?.field).toBe('params.content.messages.0.messageId');
    expect(first(feed([{ messageId: 0, sku: 'A', operationType: 'DELETE' }]))?.field).toBe('params.content.messages.0.messageId');
    expect(first(feed([{ messageId: 1, operationType: 'DELETE' }]))?.field).toMatch(/^params\.content\.messages\.0/);
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'UPSERT' }]))?.field).toBe('params.content.messages.0.operationType');
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'DELETE', note: 'x' }]))?.field).toBe('params.content.messages.0.note');
  });

  it("enforces each operation's required and forbidden fields", () => {
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
      expect(first(feed([{ messageId: 1, sku: 'A', ...message }])), JSON.stringify(message)).toMatchObject({ code: 'FEED_OPERATION_FIELDS', field: `params.content.messages.0.${field}` });
    }
  });

  it('applies the listing content rules to patches and attributes', () => {
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'PATCH', productType: 'P', patches: [{ op: 'replace', path: '/attributes/item_name/0', value: [{ value: 'x' }] }] }]))?.code).toBe('PATCH_NESTED_PATH');
    expect(first(feed([{ messageId: 1, sku: 'A', operationType: 'PARTIAL_UPDATE', productType: 'P', attributes: { item_name: [{ value: 'Mug Free Shipping' }] } }]))).toMatchObject({
      code: 'TITLE_PROMOTIONAL',
      field: 'params.content.messages.0.attributes.item_name.0.value',
    });
  });
});

describe('feed types and content types', () => {
  it('refuses the retired legacy listings feeds with the reason', () => {
    expect(RETIRED_FEED_TYPES.size).toBe(12);
    for (const feedType of RETIRED_FEED_TYPES) {
      const v = prepareFeed({ feed_type: feedType, content: '<x/>' }, SELLER).violations[0];
      expect(v?.code).toBe('FEED_TYPE_RETIRED');
      expect(v?.message).toMatch(/retired by Amazon on July 31, 2025.*JSON_LISTINGS_FEED/);
    }
  });

  it('requires application/json for JSON_LISTINGS_FEED, and defaults to it', () => {
    expect(prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: acceptedFeeds[0]! }, SELLER).contentType).toBe('application/json');
    expect(prepareFeed({ feed_type: 'JSON_LISTINGS_FEED', content: JSON.stringify(acceptedFeeds[0]), content_type: 'text/plain' }, SELLER).violations[0]?.code).toBe('FEED_CONTENT_TYPE');
  });

  it('passes other feed types with their content types (text/xml by default)', () => {
    const xml = prepareFeed({ feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: '<?xml version="1.0"?><AmazonEnvelope/>' }, SELLER);
    expect([xml.contentType, xml.violations]).toEqual(['text/xml', []]);
    const tsv = prepareFeed({ feed_type: 'POST_FLAT_FILE_FULFILLMENT_DATA', content: 'order-id\tcarrier\n', content_type: 'text/tab-separated-values' }, SELLER);
    expect([tsv.contentType, tsv.violations, tsv.bytes.toString()]).toEqual(['text/tab-separated-values', [], 'order-id\tcarrier\n']);
    expect(prepareFeed({ feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: { a: 1 } }, SELLER).violations[0]?.code).toBe('FEED_CONTENT_TYPE');
    expect(prepareFeed({ feed_type: 'POST_ORDER_FULFILLMENT_DATA', content: 'plain words' }, SELLER).violations.map((v) => v.severity)).toEqual(['WARNING']);
  });

  it('caps a feed document at 10 MiB', () => {
    const big = prepareFeed({ feed_type: 'POST_FLAT_FILE_FULFILLMENT_DATA', content: 'x'.repeat(MAX_FEED_BYTES + 1), content_type: 'text/plain' }, SELLER);
    expect(big.violations.map((v) => v.code)).toEqual(['FEED_TOO_LARGE']);
  });
});
