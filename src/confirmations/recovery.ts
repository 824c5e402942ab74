import { AmazonRejection, type CapabilityContext, type WriteCapability } from '../capabilities/types.js';
import { listingPatchAlreadyApplied, type ListingPatchParams } from '../writes/listing-write.js';

/**
 * An apply whose owner died (its lease ran out while `applying`) may or may not have reached
 * Amazon. Where Amazon's current state answers the question, the broker looks before it sends:
 * listings patches are read back — already there, the confirmation becomes applied without sending
 * anything; not there, the patch is sent once now. Either way the result's `recovery` says so.
 * Writes Amazon offers no way to look up (feeds, A+ documents, review requests) are never re-sent.
 */
type AlreadyApplied = (ctx: CapabilityContext<Record<string, unknown>>) => Promise<Record<string, unknown> | undefined>;

const readBack: AlreadyApplied = (ctx) => listingPatchAlreadyApplied(ctx, ctx.params as unknown as ListingPatchParams);

const RECOVERABLE: Record<string, AlreadyApplied> = {
  'listings.update': readBack,
  'listings.update_images': readBack,
};

export const isRecoverable = (capability: string) => capability in RECOVERABLE;

const FOUND = "the first apply was interrupted (the broker stopped before recording Amazon's answer); Amazon's listing already shows every change, so it was not sent again";
const SENT = "the first apply was interrupted before Amazon's answer was recorded, and Amazon's listing did not show the change: it was sent once now";

const withRecovery = (result: unknown, recovery: string) =>
  result && typeof result === 'object' && !Array.isArray(result) ? { ...result, recovery } : { value: result, recovery };

/** The capability as an interrupted apply runs it: look first, send only what Amazon does not show. */
export function recoveringCapability(capability: WriteCapability): WriteCapability {
  const alreadyApplied = RECOVERABLE[capability.name];
  if (!alreadyApplied) throw new Error(`${capability.name} cannot be recovered after an interrupted apply`);
  return {
    ...capability,
    async apply(ctx) {
      const found = await alreadyApplied(ctx as CapabilityContext<Record<string, unknown>>);
      if (found) return withRecovery(found, FOUND);
      const result = await capability.apply(ctx);
      return result instanceof AmazonRejection ? new AmazonRejection(withRecovery(result.result, SENT)) : withRecovery(result, SENT);
    },
  };
}
