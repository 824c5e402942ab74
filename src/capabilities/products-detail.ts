import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'products.detail',
  access: 'read',
  description:
    "Gets Amazon's catalog data for one ASIN in a marketplace: title, brand, images, sales ranks and product attributes. Works for any ASIN, not only the seller's own.",
  params: Params({ asin: AsinParam, marketplace_id: MarketplaceIdParam }),
  operations: ['getCatalogItem'],
  async run() {
    return notYetAvailable('products.detail');
  },
});
