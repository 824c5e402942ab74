import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { WriteAnswer } from './answers.js';
import { findOpenReviewRequest } from '../confirmations/repository.js';
import { BrokerError } from '../errors.js';
import { requireEligible, reviewRequestAlreadyApplied, sendReviewRequest } from '../writes/review-request.js';
import { countryOf } from '../writes/write-context.js';

export default defineCapability({
  name: 'messaging.request_review',
  access: 'write',
  description:
    "Proposes sending Amazon's standard 'request a review' message (product review and seller feedback) for one order. Amazon allows it once per order, from 5 days after the earliest delivery date to 30 days after the latest delivery date; the broker asks Amazon whether the order is eligible before staging, and Amazon refuses the request itself if it no longer is. Never selective (do not pick only happy customers) and never incentivised.",
  params: Params({
    amazon_order_id: Type.String({ pattern: '^\\d{3}-\\d{7}-\\d{7}$', description: 'Amazon order id, e.g. 123-1234567-1234567.' }),
    marketplace_id: MarketplaceIdParam,
  }, [{ amazon_order_id: SANDBOX.reviewableOrderId }]),
  answer: WriteAnswer(Type.Object({ amazon_order_id: Type.String(), sent: Type.Literal(true) })),
  operations: ['getSolicitationActionsForOrder', 'createProductReviewAndSellerFeedbackSolicitation'],
  async stage(ctx) {
    const orderId = ctx.params.amazon_order_id;
    const open = await findOpenReviewRequest(ctx.services.db, ctx.job.buyerId, orderId);
    if (open) {
      const state = open.status === 'pending' ? 'is already staged, waiting for the buyer' : open.status === 'applying' ? 'is being sent' : 'was already sent';
      throw new BrokerError('INVALID_REQUEST', `params.amazon_order_id a review request for order ${orderId} ${state} (confirmation ${open.id}); Amazon allows one per order`, {
        details: { field: 'params.amazon_order_id', rule: 'REVIEW_ALREADY_REQUESTED', confirmation_id: open.id },
      });
    }
    await requireEligible(ctx, orderId);
    return {
      summary: `Send Amazon's standard request for a product review and seller feedback for order ${orderId} in ${countryOf(ctx)}. Amazon allows one per order; the buyer cannot reply to it.`,
      diffPreview: [
        { path: `/orders/${orderId}/solicitations/productReviewAndSellerFeedback`, before: 'not requested (Amazon offers it for this order)', after: 'requested' },
      ],
      issues: [],
      applyParams: ctx.params,
    };
  },
  async apply(ctx) {
    // No second GET: Amazon sometimes lists no action for an eligible order; its answer to the POST decides.
    return sendReviewRequest(ctx, ctx.params.amazon_order_id);
  },
  alreadyApplied: reviewRequestAlreadyApplied,
});
