import { defineCapability } from './types.js';
import { MarketplaceIdParam, PageSizeParam, PageTokenParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'products.list',
  access: 'read',
  description:
    "Lists the seller's own listings (SKUs) in a marketplace, newest changes first, one page at a time: sku, asin, title and status (BUYABLE/DISCOVERABLE). Pass next_page_token back as page_token for more. Amazon pages through at most 1,000 SKUs.",
  params: Params({ marketplace_id: MarketplaceIdParam, page_size: PageSizeParam, page_token: PageTokenParam }),
  operations: ['searchListingsItems'],
  async run() {
    return notYetAvailable('products.list');
  },
});
