import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { MarketplaceIdField } from './answers.js';
import { connectStatus } from '../connections/participations.js';

export default defineCapability({
  name: 'connect.status',
  access: 'read',
  description:
    "Checks whether the buyer's Amazon Seller Central account is connected and usable. Returns connected (boolean), the selling_partner_id and every marketplace of the region with whether the seller participates there. Call it first when unsure which marketplace to use.",
  params: Params({ marketplace_id: MarketplaceIdParam }, [{ marketplace_id: SANDBOX.marketplaceId }]),
  answer: Type.Object({
    connected: Type.Boolean({ description: 'true when the seller takes part in at least one marketplace of the region.' }),
    selling_partner_id: Type.String(),
    marketplaces: Type.Array(
      Type.Object({
        marketplace_id: MarketplaceIdField,
        country_code: Type.String(),
        region: Type.Enum(['NA', 'EU', 'FE']),
        participating: Type.Boolean(),
        has_suspended_listings: Type.Boolean(),
        store_name: Type.Optional(Type.String()),
      }),
    ),
  }),
  operations: ['getMarketplaceParticipations'],
  async run(ctx) {
    // Cached per selling partner and region (~2 min): Amazon allows about one call a minute.
    return connectStatus(ctx.amazon, ctx.services.participations);
  },
});
