import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ROLES } from '../../src/simulator/feed-roles.js';
import { useSimulatorClient } from '../helpers/harness.js';
import { client, download, gunzipJson, SEED, useFastSimulator, waitTerminal } from './helpers.js';

const NA = SEED.sellers.NA;
const US = 'ATVPDKIKX0DER';

describe('Feeds API', () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  async function upload(contentType: string, content: string | Buffer, putType = contentType) {
    const doc = await c.post('/feeds/2021-06-30/documents', { contentType });
    expect(doc.status).toBe(201);
    const put = await fetch(doc.body.url, { method: 'PUT', headers: { 'content-type': putType }, body: content });
    return { feedDocumentId: doc.body.feedDocumentId as string, url: doc.body.url as string, put };
  }
  const createFeed = (feedType: string, inputFeedDocumentId: string) => c.post('/feeds/2021-06-30/feeds', { feedType, marketplaceIds: [US], inputFeedDocumentId });
  const finish = (feedId: string) => waitTerminal(() => c.get(`/feeds/2021-06-30/feeds/${feedId}`));

  it('upload must use the declared Content-Type (S3 signature)', async () => {
    const wrong = await upload('application/json', '{}', 'text/plain');
    expect(wrong.put.status).toBe(403);
    expect(await wrong.put.text()).toContain('SignatureDoesNotMatch');
    const notUploaded = await createFeed('JSON_LISTINGS_FEED', wrong.feedDocumentId);
    expect(notUploaded.status).toBe(400);
    expect(notUploaded.body.errors[0].code).toBe('InvalidInput');
    const right = await upload('application/json', '{}');
    expect(right.put.status).toBe(200);
    const rec = sim.stats.requests.filter((r) => r.operation === 'uploadFeedDocument').at(-1)!;
    expect(rec.headers['content-type']).toBe('application/json');
    expect(rec.rawBody).toBe('{}');
  });

  it('processes a JSON_LISTINGS_FEED against the listings and reports per message', async () => {
    const feed = {
      header: { sellerId: NA.sellingPartnerId, version: '2.0', issueLocale: 'en_US', report: { includedData: ['summaries', 'issues'], apiVersion: '2021-08-01' } },
      messages: [
        { messageId: 1, sku: 'SS-MUG-001', operationType: 'PATCH', productType: NA.productTypeBySku['SS-MUG-001'], patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Feed title', marketplace_id: US, language_tag: 'en_US' }] }] },
        { messageId: 2, sku: NA.outOfStockSku, operationType: 'PARTIAL_UPDATE', productType: NA.productTypeBySku[NA.outOfStockSku], attributes: { fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }] } },
        { messageId: 3, sku: NA.unknownSku, operationType: 'PATCH', productType: 'PRODUCT', patches: [{ op: 'delete', path: '/attributes/item_name' }] },
        { messageId: 4, sku: 'SS-MUG-001', operationType: 'PATCH', productType: NA.productTypeBySku['SS-MUG-001'], patches: [{ op: 'replace', path: '/attributes/item_name/0', value: [{ value: 'x' }] }] },
        { messageId: 5, sku: 'NEW-SKU-1', operationType: 'UPDATE', productType: 'HOME', requirements: 'LISTING', attributes: { item_name: [{ value: 'Brand new', marketplace_id: US }], fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }] } },
        // A delete by attribute name alone, without selector values: INVALID as in the Listings Items API.
        { messageId: 6, sku: 'SS-MUG-001', operationType: 'PATCH', productType: NA.productTypeBySku['SS-MUG-001'], patches: [{ op: 'delete', path: '/attributes/bullet_point' }] },
      ],
    };
    const { feedDocumentId } = await upload('application/json', JSON.stringify(feed));
    const created = await createFeed('JSON_LISTINGS_FEED', feedDocumentId);
    expect(created.status).toBe(202);
    const done = await finish(created.body.feedId);
    expect(done.body).toMatchObject({ processingStatus: 'DONE', feedType: 'JSON_LISTINGS_FEED' });
    const doc = await c.get(`/feeds/2021-06-30/documents/${done.body.resultFeedDocumentId}`);
    expect(doc.body.compressionAlgorithm).toBe('GZIP');
    const report = gunzipJson((await download(doc.body.url)).bytes);
    expect(report.header).toMatchObject({ sellerId: NA.sellingPartnerId, version: '2.0', feedId: created.body.feedId });
    expect(report.summary).toMatchObject({ messagesProcessed: 6, messagesAccepted: 3, messagesInvalid: 3 });
    expect(report.issues.map((i: any) => i.messageId).sort()).toEqual([3, 4, 6]);
    expect(report.items.map((i: any) => i.sku).sort()).toEqual(['NEW-SKU-1', NA.outOfStockSku, 'SS-MUG-001'].sort());
    const mug = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-MUG-001?marketplaceIds=${US}`);
    expect(mug.body.summaries[0].itemName).toBe('Feed title');
    const oos = await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/${NA.outOfStockSku}?marketplaceIds=${US}&includedData=fulfillmentAvailability`);
    expect(oos.body.fulfillmentAvailability[0].quantity).toBe(7);
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/NEW-SKU-1?marketplaceIds=${US}`)).status).toBe(200);
  });

  it('accepts a gzip-compressed upload', async () => {
    const feed = { header: { sellerId: NA.sellingPartnerId, version: '2.0' }, messages: [{ messageId: 1, sku: 'SS-MUG-001', operationType: 'DELETE' }] };
    const { feedDocumentId } = await upload('application/json', gzipSync(JSON.stringify(feed)));
    const done = await finish((await createFeed('JSON_LISTINGS_FEED', feedDocumentId)).body.feedId);
    expect(done.body.processingStatus).toBe('DONE');
    expect((await c.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-MUG-001?marketplaceIds=${US}`)).status).toBe(404);
  });

  it('a header for another seller, or malformed JSON, is FATAL', async () => {
    const other = await upload('application/json', JSON.stringify({ header: { sellerId: 'AOTHER', version: '2.0' }, messages: [] }));
    expect((await finish((await createFeed('JSON_LISTINGS_FEED', other.feedDocumentId)).body.feedId)).body.processingStatus).toBe('FATAL');
    const broken = await upload('application/json', '{"header":');
    expect((await finish((await createFeed('JSON_LISTINGS_FEED', broken.feedDocumentId)).body.feedId)).body.processingStatus).toBe('FATAL');
  });

  it('a text feed without a declared charset is read as ISO-8859-1: non-ASCII content gets a warning in the report', async () => {
    const xml = '<?xml version="1.0"?><AmazonEnvelope><Message>Café</Message></AmazonEnvelope>';
    const report = async (contentType: string) => {
      const { feedDocumentId } = await upload(contentType, xml);
      const done = await finish((await createFeed('POST_ORDER_FULFILLMENT_DATA', feedDocumentId)).body.feedId);
      const doc = await c.get(`/feeds/2021-06-30/documents/${done.body.resultFeedDocumentId}`);
      return (await download(doc.body.url)).bytes;
    };
    const text = (bytes: Buffer) => (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8');
    // Order feeds need a role SellerShorts' app lacks (feed-roles.test.ts): play an app that holds it.
    sim.setAppRoles(['Inventory and Order Tracking']);
    try {
      expect(text(await report('text/xml'))).toMatch(/<MessagesWithWarning>1<\/MessagesWithWarning>.*declared no charset/s);
      expect(text(await report('text/xml; charset=UTF-8'))).toMatch(/<MessagesWithWarning>0<\/MessagesWithWarning>/);
    } finally {
      sim.setAppRoles(DEFAULT_APP_ROLES);
    }
  });

  it('legacy XML / flat-file listings feeds end FATAL', async () => {
    const { feedDocumentId } = await upload('text/xml; charset=UTF-8', '<?xml version="1.0"?><AmazonEnvelope/>');
    const created = await createFeed('POST_PRODUCT_DATA', feedDocumentId);
    expect(created.status).toBe(202);
    expect((await finish(created.body.feedId)).body.processingStatus).toBe('FATAL');
  });

  it('validation: unknown feed types, missing fields, foreign feeds', async () => {
    const { feedDocumentId } = await upload('application/json', '{}');
    expect((await createFeed('NOT_A_FEED', feedDocumentId)).status).toBe(400);
    expect((await c.post('/feeds/2021-06-30/feeds', { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US] })).status).toBe(400);
    expect((await c.post('/feeds/2021-06-30/documents', {})).status).toBe(400);
    expect((await c.get('/feeds/2021-06-30/feeds/123')).status).toBe(404);
    const eu = await client(sim, 'Atzr|sandbox-eu');
    const created = await createFeed('JSON_LISTINGS_FEED', feedDocumentId);
    expect((await eu.get(`/feeds/2021-06-30/feeds/${created.body.feedId}`)).status).toBe(404);
    const list = await c.get('/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED');
    expect(list.body.feeds.length).toBeGreaterThan(0);
  });
});
