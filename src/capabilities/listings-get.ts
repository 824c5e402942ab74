import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'listings.get',
  access: 'read',
  description:
    "Gets one of the seller's listings by SKU: its attributes (title, bullets, images… keyed by Amazon attribute name), Amazon's issues with the listing (errors and warnings), and summaries (asin, status, product type). Read it before proposing listings.update.",
  params: Params({ sku: SkuParam, marketplace_id: MarketplaceIdParam }),
  operations: ['getListingsItem'],
  async run() {
    return notYetAvailable('listings.get');
  },
});
