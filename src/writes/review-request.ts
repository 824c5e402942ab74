import { BrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { orNotFound, type WriteContext } from './staged.js';

/**
 * Solicitations API v1 (REFERENCE §B-13, §C.4). Amazon decides eligibility: the order offers the
 * `productReviewAndSellerFeedback` action only from 5 days after the earliest delivery date to 30 days
 * after the latest, and only once per order. The broker asks before staging and again right before
 * sending, since the window can close (or another tool can send it) in between.
 */
const ACTION = 'productReviewAndSellerFeedback';

const orderPath = (orderId: string) => `/solicitations/v1/orders/${encodePathSegment(orderId)}`;

interface SolicitationActions {
  _links?: { actions?: { name?: string }[] };
  _embedded?: { actions?: { payload?: { name?: string } }[] };
}

export async function requireEligible(ctx: WriteContext<unknown>, amazonOrderId: string): Promise<void> {
  const { body } = await orNotFound(
    () =>
      ctx.amazon.call<SolicitationActions>({
        operation: 'getSolicitationActionsForOrder',
        method: 'GET',
        path: orderPath(amazonOrderId),
        query: { marketplaceIds: ctx.marketplace.id },
      }),
    'params.amazon_order_id',
    `${amazonOrderId} is not an order of this seller in marketplace ${ctx.marketplace.id}`,
  );
  const offered = [...(body._links?.actions ?? []).map((a) => a.name), ...(body._embedded?.actions ?? []).map((a) => a.payload?.name)];
  if (!offered.includes(ACTION)) {
    throw new BrokerError(
      'INVALID_REQUEST',
      `params.amazon_order_id ${amazonOrderId} is not eligible for a review request now: Amazon does not offer it, because a review was already requested for this order (Amazon allows one per order) or the order is outside Amazon's window (from 5 days after the earliest delivery date to 30 days after the latest delivery date)`,
      { details: { field: 'params.amazon_order_id', rule: 'REVIEW_NOT_ELIGIBLE' } },
    );
  }
}

export async function sendReviewRequest(ctx: WriteContext<unknown>, amazonOrderId: string) {
  await ctx.amazon.call({
    operation: 'createProductReviewAndSellerFeedbackSolicitation',
    method: 'POST',
    path: `${orderPath(amazonOrderId)}/solicitations/${ACTION}`,
    query: { marketplaceIds: ctx.marketplace.id },
  });
  return { amazon_order_id: amazonOrderId, sent: true as const };
}
