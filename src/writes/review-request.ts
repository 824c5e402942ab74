import type { ApplyFinding } from '../capabilities/types.js';
import { BrokerError, isBrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { orNotFound } from '../capabilities/amazon-not-found.js';
import type { WriteContext } from './write-context.js';

/**
 * Solicitations API v1 (docs/amazon.md#solicitations). Amazon decides eligibility: the order offers
 * the `productReviewAndSellerFeedback` action only from 5 days after the earliest delivery date to
 * 30 days after the latest, and only once per order. The broker asks before staging, so the buyer
 * is not asked to confirm a request Amazon does not offer. Amazon's GET sometimes lists no action
 * for an order that is eligible (models#187), so the refusal says so, and the apply does not ask
 * again: it sends, and Amazon's answer decides. Amazon refuses an order already solicited or outside
 * the window with 403 Unauthorized, not 400 (models#19, docs#121), which the broker words as such.
 */
const ACTION = 'productReviewAndSellerFeedback';
const WINDOW = "Amazon allows one per order, from 5 days after the earliest delivery date to 30 days after the latest delivery date";

const orderPath = (orderId: string) => `/solicitations/v1/orders/${encodePathSegment(orderId)}`;

interface SolicitationActions {
  _links?: { actions?: { name?: string }[] };
  _embedded?: { actions?: { payload?: { name?: string } }[] };
}

/**
 * After an interrupted apply: Amazon still offers the action, so the request was not sent (send it
 * once now); it no longer does, so most likely it was sent (one per order) or the window closed —
 * never sent again.
 */
export async function reviewRequestAlreadyApplied(ctx: WriteContext<{ amazon_order_id: string }>): Promise<ApplyFinding> {
  const amazonOrderId = ctx.params.amazon_order_id;
  if (await reviewOffered(ctx, amazonOrderId)) return 'not_sent';
  return {
    unknown: `Amazon no longer offers a review request for order ${amazonOrderId}: most likely the interrupted apply sent it (Amazon allows one per order), or the order left its review window. It is not sent again; check the order in Seller Central`,
  };
}

/** Whether Amazon lists the review-request action for the order now (an eligible order not yet solicited). */
export async function reviewOffered(ctx: WriteContext<unknown>, amazonOrderId: string): Promise<boolean> {
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
  return offered.includes(ACTION);
}

export async function requireEligible(ctx: WriteContext<unknown>, amazonOrderId: string): Promise<void> {
  if (!(await reviewOffered(ctx, amazonOrderId))) {
    throw new BrokerError(
      'INVALID_REQUEST',
      `params.amazon_order_id ${amazonOrderId}: Amazon does not offer a review request for this order now. It offers one only while the order is eligible (${WINDOW}), so a review was most likely already requested or the order is outside that window. Amazon sometimes lists no action for an order that is eligible: if you are sure it is, try again later`,
      { details: { field: 'params.amazon_order_id', rule: 'REVIEW_NOT_OFFERED' } },
    );
  }
}

/** Amazon's 403 to the POST itself: the order was already solicited or is outside the window. */
function refusedByAmazon(error: unknown, amazonOrderId: string): unknown {
  if (!isBrokerError(error) || error.code !== 'SP_API_ERROR' || (error.details as { status?: unknown } | undefined)?.status !== 403) return error;
  return new BrokerError(
    'INVALID_REQUEST',
    `params.amazon_order_id ${amazonOrderId} is not eligible for a review request: Amazon refused it (403 Unauthorized), as it does when a review was already requested for the order or the order is outside the window (${WINDOW}); nothing was sent`,
    { details: { ...error.details, field: 'params.amazon_order_id', rule: 'REVIEW_NOT_ELIGIBLE' } },
  );
}

export async function sendReviewRequest(ctx: WriteContext<unknown>, amazonOrderId: string) {
  try {
    await ctx.amazon.call({
      operation: 'createProductReviewAndSellerFeedbackSolicitation',
      method: 'POST',
      path: `${orderPath(amazonOrderId)}/solicitations/${ACTION}`,
      query: { marketplaceIds: ctx.marketplace.id },
    });
  } catch (error) {
    throw refusedByAmazon(error, amazonOrderId);
  }
  return { amazon_order_id: amazonOrderId, sent: true as const };
}
