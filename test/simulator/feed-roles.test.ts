import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ROLES } from '../../src/simulator/feed-roles.js';
import { useSimulatorClient } from '../helpers/harness.js';
import { SEED, useFastSimulator, waitTerminal } from './helpers.js';

const US = SEED.marketplaces.US;

/** Feed types of roles SellerShorts' app does not hold, with a role that would permit each. */
const OTHER_ROLES: [string, string][] = [
  ['POST_PAYMENT_ADJUSTMENT_DATA', 'Inventory and Order Tracking'],
  ['POST_ORDER_FULFILLMENT_DATA', 'Inventory and Order Tracking'],
  ['POST_ORDER_ACKNOWLEDGEMENT_DATA', 'Direct to Consumer Shipping (Restricted)'],
  ['POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA', 'Inventory and Order Tracking'],
  ['POST_FBA_INBOUND_CARTON_CONTENTS', 'Amazon Fulfillment'],
  ['POST_FULFILLMENT_ORDER_REQUEST_DATA', 'Amazon Fulfillment'],
  ['UPLOAD_VAT_INVOICE', 'Tax Invoicing (Restricted)'],
  ['POST_EASYSHIP_DOCUMENTS', 'Tax Invoicing (Restricted)'],
];

describe("createFeed and the application's roles", () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  async function uploaded(contentType = 'text/xml; charset=UTF-8', content = '<?xml version="1.0"?><AmazonEnvelope/>') {
    const doc = await c.post('/feeds/2021-06-30/documents', { contentType });
    await fetch(doc.body.url, { method: 'PUT', headers: { 'content-type': contentType }, body: content });
    return doc.body.feedDocumentId as string;
  }
  const createFeed = async (feedType: string, contentType?: string, content?: string) =>
    c.post('/feeds/2021-06-30/feeds', { feedType, marketplaceIds: [US], inputFeedDocumentId: await uploaded(contentType, content) });

  it("refuses feed types of roles the app does not hold with Amazon's 403 Unauthorized, and creates no feed", async () => {
    const listed = async () => (await c.get(`/feeds/2021-06-30/feeds?feedTypes=${OTHER_ROLES.map(([t]) => t).join(',')}`)).body.feeds.length as number;
    const feedsBefore = await listed();
    for (const [feedType] of OTHER_ROLES) {
      const answer = await createFeed(feedType);
      expect(answer.status, feedType).toBe(403);
      expect(answer.body).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }] });
    }
    expect(await listed()).toBe(feedsBefore);
  });

  it('takes JSON_LISTINGS_FEED (Product Listing) from the default app', async () => {
    const feed = { header: { sellerId: SEED.sellers.NA.sellingPartnerId, version: '2.0' }, messages: [{ messageId: 1, sku: 'NO-SUCH-SKU-ROLES', operationType: 'DELETE' }] };
    const created = await createFeed('JSON_LISTINGS_FEED', 'application/json', JSON.stringify(feed));
    expect(created.status).toBe(202);
    expect((await waitTerminal(() => c.get(`/feeds/2021-06-30/feeds/${created.body.feedId}`))).body.processingStatus).toBe('DONE');
  });

  it('an unknown feed type is still 400 InvalidInput, whatever the roles', async () => {
    const answer = await createFeed('POST_NOT_A_FEED_TYPE');
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].code).toBe('InvalidInput');
  });

  it('an app that holds the role may submit the type', async () => {
    for (const [feedType, role] of OTHER_ROLES) {
      sim.setAppRoles([role]);
      try {
        expect((await createFeed(feedType)).status, `${feedType} with ${role}`).toBe(202);
      } finally {
        sim.setAppRoles(DEFAULT_APP_ROLES);
      }
    }
    // Without Product Listing (or Inventory and Order Tracking), not even listings feeds.
    sim.setAppRoles(['Selling Partner Insights']);
    try {
      expect((await createFeed('JSON_LISTINGS_FEED', 'application/json', '{}')).status).toBe(403);
    } finally {
      sim.setAppRoles(DEFAULT_APP_ROLES);
    }
  });
});
