import { AmazonRejection, type WriteCapability } from '../capabilities/types.js';
import { conflict } from '../errors.js';

/**
 * An apply whose owner died (its lease ran out while `applying`) may or may not have reached
 * Amazon. Where Amazon's current state answers the question (the capability's `alreadyApplied`),
 * the broker looks before it sends, so the write is neither lost nor sent twice; the result's
 * `recovery` says what happened:
 * - listings patches are read back: Amazon already shows every change → applied, nothing sent;
 *   otherwise → sent once now;
 * - review requests: Amazon still offers the action → it was not sent, so it is sent once now;
 *   Amazon no longer offers it → most likely sent (one per order), possibly the window closed:
 *   failed with that explanation, never sent again;
 * - feeds and A+ documents cannot be looked up (no `alreadyApplied`): they are never re-sent
 *   (apply.ts fails them).
 */
export const isRecoverable = (capability: WriteCapability) => capability.alreadyApplied !== undefined;

const FOUND = "the first apply was interrupted (the broker stopped before recording Amazon's answer); Amazon already shows the change, so it was not sent again";
const SENT = "the first apply was interrupted before Amazon's answer was recorded, and Amazon did not show the change: it was sent once now";

const withRecovery = (result: unknown, recovery: string) =>
  result && typeof result === 'object' && !Array.isArray(result) ? { ...result, recovery } : { value: result, recovery };

/** The capability as an interrupted apply runs it: look first, send only what Amazon does not have. */
export function recoveringCapability(capability: WriteCapability): WriteCapability {
  const { alreadyApplied } = capability;
  if (!alreadyApplied) throw new Error(`${capability.name} cannot be recovered after an interrupted apply`);
  return {
    ...capability,
    async apply(ctx) {
      const finding = await alreadyApplied.call(capability, ctx);
      if (typeof finding === 'object' && 'found' in finding) return withRecovery(finding.found, FOUND);
      if (typeof finding === 'object') {
        throw conflict(`the apply was interrupted and ${finding.unknown}`, { status: 'failed', reason: 'APPLY_INTERRUPTED' });
      }
      const result = await capability.apply(ctx);
      return result instanceof AmazonRejection ? new AmazonRejection(withRecovery(result.result, SENT)) : withRecovery(result, SENT);
    },
  };
}
