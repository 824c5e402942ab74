import { beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../src/connections/repository.js';
import { MARKETPLACES as AMAZON_MARKETPLACES } from '../../src/simulator/index.js';
import { callCapability, mintToken } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { useBroker } from '../helpers/harness.js';

/**
 * Listing text carries the language tag Amazon gives for the store (getMarketplaceParticipations
 * defaultLanguageCode), not a table of the broker's: for Amazon.sa the simulator, like Amazon, says
 * ar_AE where the broker's table said ar_SA.
 */
const SA = 'A17E79C6D8DWNP';
const SELLER = { sellingPartnerId: 'A9SAUDISELLER01', refreshToken: 'Atzr|saudi-seller', marketplaceIds: [SA] };

describe('language tags per connection', () => {
  const t = useBroker({ simulator: { rateLimits: false } });
  let buyerId: string;

  beforeAll(async () => {
    t.sim.addSeller(SELLER);
    buyerId = await connectBuyer(t, { ...SELLER, region: 'EU' });
  });

  it("keeps Amazon's defaultLanguageCode with the connection and tags listing text with it", async () => {
    const amazonTag = AMAZON_MARKETPLACES[SA]!.defaultLanguageCode;
    expect((await findConnection(t.app.services.db, buyerId, SA))?.languageTag).toBe(amazonTag);

    const { jobToken } = await mintToken(t, { buyerId, capabilities: ['products.list', 'listings.update'] });
    const listed = (await callCapability(t.app, jobToken, 'products.list', { marketplace_id: SA, page_size: 1 })).json();
    const item = listed.data.items[0] as { sku: string; product_type: string };
    const from = t.sim.stats.requests.length;
    const staged = await callCapability(t.app, jobToken, 'listings.update', {
      marketplace_id: SA,
      sku: item.sku,
      product_type: item.product_type,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Stoneware Coffee Mug, 350 ml' }] }],
    });
    expect(staged.statusCode, staged.body).toBe(200);
    const preview = t.sim.stats.requests.slice(from).find((r) => r.operation === 'patchListingsItem');
    const body = preview?.body as { patches: { value: { language_tag?: string }[] }[] };
    expect(body.patches[0]?.value[0]?.language_tag).toBe(amazonTag);
  });

  it("falls back to the broker's table for a connection stored before the tag was kept", async () => {
    await t.app.services.db.updateTable('amazon_connections').set({ language_tag: null }).where('buyer_id', '=', buyerId).execute();
    expect((await findConnection(t.app.services.db, buyerId, SA))?.languageTag).toBe('ar_SA');
  });
});
