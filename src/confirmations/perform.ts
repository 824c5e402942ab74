import { AmazonRejection, type ApplyContext, type WriteCapability } from '../capabilities/types.js';
import { BrokerError, isBrokerError, replayed } from '../errors.js';
import type { AmazonApi, SpApiRequest } from '../spapi/types.js';
import type { BrokerServices } from '../services.js';
import { findConfirmation, finishClaim } from './repository.js';
import type { StoredError } from './types.js';

/**
 * Runs a claimed confirmation's write once and records its outcome. The SP-API client never
 * retries a write that may have reached Amazon; this layer decides what a failure means for the
 * confirmation:
 * - nothing reached Amazon's live state and the failure said so (quota or Amazon's 429, the
 *   buyer's authorization refused by LWA, a request that never left, a read that failed): the claim
 *   is released back to `pending`, so the buyer can apply again later (not for auto-apply: the agent
 *   sees the error and may call again, so a released confirmation would linger as a duplicate);
 * - anything else (Amazon refused, a timeout or reset after sending, an error after a first write
 *   succeeded): `failed`, with the error stored and replayed by every later apply — never re-sent.
 */

/** Calls that change nothing live at Amazon: an empty feed document, a validation, an image upload destination. */
const NOT_LIVE = new Set(['createFeedDocument', 'validateContentDocumentAsinRelations', 'createUploadDestinationForResource']);
const SAFE_BEFORE_SENDING = new Set(['RATE_LIMIT', 'TOKEN_EXPIRED', 'NO_CONNECTION']);

/** Wraps an AmazonApi to count the writes Amazon accepted during this apply. */
export function trackLiveWrites(api: AmazonApi): { api: AmazonApi; liveWrites: () => number } {
  let live = 0;
  const tracked: AmazonApi = {
    seller: api.seller,
    requestIds: api.requestIds,
    download: (url, options) => api.download(url, options),
    openDocument: (url, options) => api.openDocument(url, options),
    upload: (url, contentType, body) => api.upload(url, contentType, body),
    uploadToDestination: (url, headers, file) => api.uploadToDestination(url, headers, file),
    async call<T>(request: SpApiRequest) {
      const response = await api.call<T>(request);
      const preview = request.query?.mode === 'VALIDATION_PREVIEW';
      if (request.method !== 'GET' && !preview && !NOT_LIVE.has(request.operation)) live += 1;
      return response;
    },
  };
  return { api: tracked, liveWrites: () => live };
}

export function toStoredError(error: BrokerError, liveWrites: number): StoredError {
  const note = liveWrites > 0 ? ` (after ${liveWrites} write(s) had already reached Amazon; nothing is re-sent)` : '';
  return {
    code: error.code,
    message: `${error.message}${note}`,
    http_status: error.httpStatus,
    ...(error.details ? { details: error.details } : {}),
  };
}

export const fromStoredError = (stored: StoredError) => replayed(stored.code, stored.message, stored.http_status, stored.details);

function releasable(error: unknown, liveWrites: number): boolean {
  if (liveWrites > 0 || !isBrokerError(error)) return false;
  return SAFE_BEFORE_SENDING.has(error.code) || (error.code === 'SP_API_ERROR' && error.retryable);
}

/** What Amazon did with a confirmed write: accepted it, or answered and refused it. */
export type ApplyStatus = 'APPLIED' | 'REJECTED_BY_AMAZON';
export interface ApplyOutcome {
  status: ApplyStatus;
  result: unknown;
}

export async function performClaimed(
  services: BrokerServices,
  capability: WriteCapability,
  ctx: ApplyContext<unknown>,
  confirmationId: string,
  claim: Date,
  options: { releaseWhenNothingSent: boolean },
): Promise<ApplyOutcome> {
  const { api, liveWrites } = trackLiveWrites(ctx.amazon);
  let result: unknown;
  try {
    result = await capability.apply({ ...ctx, amazon: api });
  } catch (error) {
    if (options.releaseWhenNothingSent && releasable(error, liveWrites())) {
      await finishClaim(services.db, confirmationId, claim, { status: 'pending' });
      throw error;
    }
    if (!isBrokerError(error)) ctx.log.error({ err: error, confirmation_id: confirmationId }, 'write apply failed unexpectedly');
    const stored = isBrokerError(error)
      ? toStoredError(error, liveWrites())
      : {
          code: 'INTERNAL_ERROR' as const,
          message: `unexpected error while applying confirmation ${confirmationId}; the write may or may not have reached Amazon, so it is not re-sent: check Seller Central`,
          http_status: 500,
        };
    await finishClaim(services.db, confirmationId, claim, { status: 'failed', error: stored });
    throw fromStoredError(stored);
  }
  // Amazon's refusal is stored like a result, so every replay answers it the same; it is never re-sent.
  const outcome = result instanceof AmazonRejection ? { status: 'amazon_rejected' as const, result: result.result } : { status: 'applied' as const, result };
  const recorded = await finishClaim(services.db, confirmationId, claim, outcome);
  if (!recorded) ctx.log.warn({ confirmation_id: confirmationId }, 'apply finished after its claim was taken over; the stored outcome is the other claim');
  // Answer what is stored, so this answer and every replay are identical (jsonb orders keys its own way).
  const stored = await findConfirmation(services.db, confirmationId);
  if (stored?.status === 'applied' || stored?.status === 'amazon_rejected') return storedOutcome(stored.status, stored.result);
  return storedOutcome(outcome.status, outcome.result);
}

/** The answer of a finished confirmation, from its stored status and result. */
export const storedOutcome = (status: 'applied' | 'amazon_rejected', result: unknown): ApplyOutcome => ({
  status: status === 'applied' ? 'APPLIED' : 'REJECTED_BY_AMAZON',
  result,
});
