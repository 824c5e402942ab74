import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { connectStatus } from '../connections/status.js';

export default defineCapability({
  name: 'connect.status',
  access: 'read',
  description:
    "Checks whether the buyer's Amazon Seller Central account is connected and usable. Returns connected (boolean), the selling_partner_id and every marketplace of the region with whether the seller participates there. Call it first when unsure which marketplace to use.",
  params: Params({ marketplace_id: MarketplaceIdParam }),
  operations: ['getMarketplaceParticipations'],
  async run(ctx) {
    // Cached per selling partner and region (~2 min): Amazon allows about one call a minute.
    return connectStatus(ctx.amazon, ctx.services.store);
  },
});
