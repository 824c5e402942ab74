import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'messaging.request_review',
  access: 'write',
  description:
    "Proposes sending Amazon's standard 'request a review' message for one order. Amazon allows it once per order, from 5 days after delivery to 30 days after the latest delivery date; the broker asks Amazon whether the order is eligible before staging. Never selective or incentivised.",
  params: Params({
    amazon_order_id: Type.String({ pattern: '^\\d{3}-\\d{7}-\\d{7}$', description: 'Amazon order id, e.g. 123-1234567-1234567.' }),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['getSolicitationActionsForOrder', 'createProductReviewAndSellerFeedbackSolicitation'],
  async stage() {
    return notYetAvailable('messaging.request_review');
  },
  async apply() {
    return notYetAvailable('messaging.request_review');
  },
});
