import { AmazonRejection, type CapabilityContext, type WriteCapability } from '../capabilities/types.js';
import { conflict } from '../errors.js';
import { listingPatchAlreadyApplied, type ListingPatchParams } from '../writes/listing-write.js';
import { reviewOffered } from '../writes/review-request.js';

/**
 * An apply whose owner died (its lease ran out while `applying`) may or may not have reached
 * Amazon. Where Amazon's current state answers the question, the broker looks before it sends,
 * so the write is neither lost nor sent twice; the result's `recovery` says what happened:
 * - listings patches are read back: Amazon already shows every change → applied, nothing sent;
 *   otherwise → sent once now;
 * - review requests: Amazon still offers the action → it was not sent, so it is sent once now;
 *   Amazon no longer offers it → most likely sent (one per order), possibly the window closed:
 *   failed with that explanation, never sent again;
 * - feeds and A+ documents cannot be looked up: they are never re-sent (apply.ts fails them).
 */
type Finding = { found: Record<string, unknown> } | 'not_sent' | { unknown: string };
type Look = (ctx: CapabilityContext<Record<string, unknown>>) => Promise<Finding>;

const readListingBack: Look = async (ctx) => {
  const found = await listingPatchAlreadyApplied(ctx, ctx.params as unknown as ListingPatchParams);
  return found ? { found } : 'not_sent';
};

const askReviewOffered: Look = async (ctx) => {
  const amazonOrderId = String(ctx.params.amazon_order_id);
  if (await reviewOffered(ctx, amazonOrderId)) return 'not_sent';
  return {
    unknown: `Amazon no longer offers a review request for order ${amazonOrderId}: most likely the interrupted apply sent it (Amazon allows one per order), or the order left its review window. It is not sent again; check the order in Seller Central`,
  };
};

const LOOKS: Record<string, Look> = {
  'listings.update': readListingBack,
  'listings.update_images': readListingBack,
  'messaging.request_review': askReviewOffered,
};

export const isRecoverable = (capability: string) => capability in LOOKS;

const FOUND = "the first apply was interrupted (the broker stopped before recording Amazon's answer); Amazon already shows the change, so it was not sent again";
const SENT = "the first apply was interrupted before Amazon's answer was recorded, and Amazon did not show the change: it was sent once now";

const withRecovery = (result: unknown, recovery: string) =>
  result && typeof result === 'object' && !Array.isArray(result) ? { ...result, recovery } : { value: result, recovery };

/** The capability as an interrupted apply runs it: look first, send only what Amazon does not have. */
export function recoveringCapability(capability: WriteCapability): WriteCapability {
  const look = LOOKS[capability.name];
  if (!look) throw new Error(`${capability.name} cannot be recovered after an interrupted apply`);
  return {
    ...capability,
    async apply(ctx) {
      const finding = await look(ctx as CapabilityContext<Record<string, unknown>>);
      if (typeof finding === 'object' && 'found' in finding) return withRecovery(finding.found, FOUND);
      if (typeof finding === 'object') {
        throw conflict(`the apply was interrupted and ${finding.unknown}`, { status: 'failed', reason: 'APPLY_INTERRUPTED' });
      }
      const result = await capability.apply(ctx);
      return result instanceof AmazonRejection ? new AmazonRejection(withRecovery(result.result, SENT)) : withRecovery(result, SENT);
    },
  };
}
