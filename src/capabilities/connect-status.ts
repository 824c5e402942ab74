import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'connect.status',
  access: 'read',
  description:
    "Checks whether the buyer's Amazon Seller Central account is connected and usable. Returns connected (boolean), the selling_partner_id and every marketplace of the region with whether the seller participates there. Call it first when unsure which marketplace to use.",
  params: Params({ marketplace_id: MarketplaceIdParam }),
  operations: ['getMarketplaceParticipations'],
  async run() {
    return notYetAvailable('connect.status');
  },
});
