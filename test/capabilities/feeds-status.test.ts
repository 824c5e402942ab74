import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ROLES } from '../../src/simulator/feed-roles.js';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, setUpForAll, useBroker, useCaller } from '../helpers/harness.js';
import { simulatorClient, submitFeed } from '../helpers/simulator-client.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received, sleep } from './helpers.js';

const NA = SEED.sellers.NA;
const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['feeds.status']);
/** The seller's other application, which submits the feeds. */
const direct = setUpForAll(() => simulatorClient(h.sim));

/** A JSON_LISTINGS_FEED with one valid message and one for a SKU the seller does not have. */
function listingsFeed(price: number) {
  return JSON.stringify({
    header: { sellerId: NA.sellingPartnerId, version: '2.0', issueLocale: 'en_US' },
    messages: [
      {
        messageId: 1,
        sku: 'SS-MUG-001',
        operationType: 'PATCH',
        productType: 'DRINKING_CUP',
        patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 10 + price }] }],
      },
      { messageId: 2, sku: NA.unknownSku, operationType: 'DELETE' },
    ],
  });
}

async function finishedFeed(content: string, feedType = 'JSON_LISTINGS_FEED', contentType = 'application/json') {
  const feedId = await submitFeed(direct, { feedType, content, contentType, marketplaceId: SEED.marketplaces.US });
  await sleep(400);
  return feedId;
}

describe('feeds.status', () => {
  it('answers the status of a feed still in the queue, without a report', async () => {
    const feedId = await submitFeed(direct, { feedType: 'JSON_LISTINGS_FEED', content: listingsFeed(1), contentType: 'application/json', marketplaceId: SEED.marketplaces.US });
    const from = mark(h.sim);
    const data = expectOk(await na.call('feeds.status', { feed_id: feedId }));
    expect(received(h.sim, 'getFeed', from)[0]?.path).toBe(`/feeds/2021-06-30/feeds/${feedId}`);
    // The feed leaves the queue after 100 ms: on a busy machine the first call may already see IN_PROGRESS.
    expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(data.processing_status);
    expect(data).toEqual({
      feed_id: feedId,
      feed_type: 'JSON_LISTINGS_FEED',
      processing_status: data.processing_status,
      marketplace_ids: [SEED.marketplaces.US],
      created_time: expect.any(String),
      ...(data.processing_status === 'IN_PROGRESS' ? { processing_start_time: expect.any(String) } : {}),
      retry_after_s: 10,
    });
    expect(received(h.sim, 'getFeedDocument', from)).toHaveLength(0);
  });

  it('summarises the processing report of a DONE feed, and keeps the summary so repeats spend only getFeed', async () => {
    const feedId = await finishedFeed(listingsFeed(2));
    const from = mark(h.sim);
    const data = expectOk(await na.call('feeds.status', { feed_id: feedId }));
    expect(data).toMatchObject({
      feed_id: feedId,
      feed_type: 'JSON_LISTINGS_FEED',
      processing_status: 'DONE',
      processing_end_time: expect.any(String),
      result_document_id: expect.any(String),
    });
    expect(data.processing_report).toEqual({
      format: 'json',
      messages_processed: 2,
      messages_accepted: 1,
      messages_invalid: 1,
      errors: 1,
      warnings: 0,
      issues: [{ message_id: 2, sku: NA.unknownSku, code: expect.any(String), severity: 'ERROR', message: expect.stringContaining(NA.unknownSku) }],
      issues_total: 1,
    });
    const [document] = received(h.sim, 'getFeedDocument', from);
    expect(document?.path).toBe(`/feeds/2021-06-30/documents/${encodeURIComponent(data.result_document_id)}`);
    expect(received(h.sim, 'downloadDocument', from)).toHaveLength(1);
    const again = mark(h.sim);
    expect(expectOk(await na.call('feeds.status', { feed_id: feedId }))).toEqual(data);
    expect(received(h.sim, 'getFeed', again)).toHaveLength(1);
    expect(received(h.sim, 'getFeedDocument', again)).toHaveLength(0);
    expect(received(h.sim, 'downloadDocument', again)).toHaveLength(0);
  });

  it("answers a FATAL feed's status with Amazon's report when there is one", async () => {
    const feedId = await finishedFeed('{"header":{"sellerId":"SOMEONE-ELSE","version":"2.0"},"messages":[]}');
    const data = expectOk(await na.call('feeds.status', { feed_id: feedId }));
    expect(data.processing_status).toBe('FATAL');
    expect(data.processing_report).toMatchObject({ format: 'json', errors: 1, issues: [{ severity: 'ERROR', message: expect.stringContaining('sellerId') }] });
    const legacy = await finishedFeed('<xml/>', 'POST_PRODUCT_DATA', 'text/xml');
    const fatal = expectOk(await na.call('feeds.status', { feed_id: legacy }));
    expect(fatal.processing_status).toBe('FATAL');
    expect(fatal.processing_report).toBeUndefined();
  });

  it("summarises another feed type's XML processing report", async () => {
    // A feed another app of the seller's sent: order feeds need a role SellerShorts' app lacks.
    h.sim.setAppRoles(['Inventory and Order Tracking']);
    const feedId = await finishedFeed('<AmazonEnvelope/>', 'POST_ORDER_ACKNOWLEDGEMENT_DATA', 'text/xml').finally(() => h.sim.setAppRoles(DEFAULT_APP_ROLES));
    const data = expectOk(await na.call('feeds.status', { feed_id: feedId }));
    expect(data.processing_report).toMatchObject({ format: 'xml', messages_processed: 1, messages_accepted: 1, messages_invalid: 0 });
  });

  it('still answers the status when Amazon withholds the report, saying why', async () => {
    const feedId = await finishedFeed(listingsFeed(3));
    h.sim.faults.failNext(3, { status: 500, operation: 'getFeedDocument' });
    const data = expectOk(await na.call('feeds.status', { feed_id: feedId }));
    expect(data.processing_status).toBe('DONE');
    expect(data.processing_report).toBeNull();
    expect(data.processing_report_error).toMatchObject({ code: 'SP_API_ERROR', message: expect.any(String) });
    // Nothing wrong is cached: the next call fetches the report.
    expect(expectOk(await na.call('feeds.status', { feed_id: feedId })).processing_report.messages_accepted).toBe(1);
  });

  it('answers an unknown feed with SP_API_ERROR carrying 404 and Amazon\'s errors; bad ids are refused by name', async () => {
    const error = expectError(await na.call('feeds.status', { feed_id: '999999999' }), 'SP_API_ERROR', 'params.feed_id');
    expect(error.details).toMatchObject({ status: 404, errors: [expect.objectContaining({ code: 'NotFound' })] });
    const from = mark(h.sim);
    expectError(await na.call('feeds.status', { feed_id: '../reports/1' }), 'INVALID_REQUEST', 'params.feed_id');
    expectError(await na.call('feeds.status', {}), 'INVALID_REQUEST', 'params.feed_id');
    expect(received(h.sim, 'getFeed', from)).toHaveLength(0);
  });

  it("never shows another seller's feed", async () => {
    const feedId = await submitFeed(direct, { feedType: 'JSON_LISTINGS_FEED', content: listingsFeed(4), contentType: 'application/json', marketplaceId: SEED.marketplaces.US });
    const eu = await connectCaller(h, ['feeds.status'], { region: 'EU' });
    expect(expectError(await eu.call('feeds.status', { feed_id: feedId }), 'SP_API_ERROR').details?.status).toBe(404);
  });

  it('retries a transient 503 and still answers', async () => {
    const feedId = await finishedFeed(listingsFeed(5));
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'getFeed' });
    expect(expectOk(await na.call('feeds.status', { feed_id: feedId })).processing_status).toBe('DONE');
    expect(received(h.sim, 'getFeed', from).map((r) => r.status)).toEqual([503, 200]);
  });
});

securityCases('feeds.status', { feed_id: '123' }, h);
