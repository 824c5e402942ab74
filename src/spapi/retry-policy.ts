import { BrokerError } from '../errors.js';
import { backoffDelay, failedBeforeSending, networkReason } from './http.js';
import { TimeoutError } from './transport.js';
import type { OperationName } from './types.js';

/**
 * What the SP-API client does after an attempt that did not succeed, decided here without I/O.
 *
 * Retry policy (written down because writes must never be repeated by accident):
 * - GET: up to 3 attempts, jittered exponential backoff, on network errors and 5xx; on 429 after
 *   the quota limiter's wait when it fits the quota budget. A timeout is not retried (a stalled
 *   Amazon would triple the caller's wait).
 * - Any other method: retried only when the request certainly never left (connection refused);
 *   a 429 becomes RATE_LIMIT; 5xx, resets and timeouts become SP_API_ERROR.
 * - Any method: a 403 for an expired/invalid access token is retried once with a fresh token —
 *   Amazon rejected it before acting.
 */
export type NextStep =
  | { kind: 'retry'; delayMs: number }
  /** Drop the access token and repeat the attempt with a fresh one (it does not count as an attempt). */
  | { kind: 'refresh-token' }
  | { kind: 'fail'; error: BrokerError };

export const MAX_ATTEMPTS = 3;

/** The facts about the current attempt that every decision needs. */
export interface Attempt {
  operation: OperationName;
  isRead: boolean;
  /** 1-based. */
  number: number;
  /** Base of the jittered backoff between retries (ms). */
  retryBaseMs: number;
}

const EXPIRED_TOKEN = /access token.*(expired|revoked|malformed|invalid)/i;

/** Why an attempt got no answer, as logged and reported in details.reason. */
export const noAnswerReason = (error: unknown) => (error instanceof TimeoutError ? 'timeout' : networkReason(error));

/**
 * No answer (network error or the time limit): a read retries, a write only when it certainly
 * never left; a timeout is final.
 */
export function afterNoAnswer(error: unknown, attempt: Attempt, timeoutMs: number): NextStep {
  const timedOut = error instanceof TimeoutError;
  const reason = noAnswerReason(error);
  const neverSent = failedBeforeSending(error);
  if (!timedOut && attempt.number < MAX_ATTEMPTS && (attempt.isRead || neverSent)) {
    return { kind: 'retry', delayMs: backoffDelay(attempt.number, attempt.retryBaseMs) };
  }
  const message = timedOut
    ? `Amazon did not answer ${attempt.operation} within ${timeoutMs} ms`
    : `could not reach Amazon for ${attempt.operation} (${reason})`;
  return {
    kind: 'fail',
    // A write that may have reached Amazon is not safe to repeat blindly.
    error: new BrokerError('SP_API_ERROR', message, { retryable: attempt.isRead || neverSent, details: { status: 0, errors: [], reason } }),
  };
}

/**
 * Amazon answered 429 and the limiter's bucket was emptied (`waitMs` until its next token): a read
 * waits for it when that fits the caller's quota budget (`quotaDeadline`), else RATE_LIMIT.
 */
export function afterThrottled(waitMs: number, quotaDeadline: number, errors: unknown[], requestId: string | undefined, attempt: Attempt): NextStep {
  if (attempt.isRead && attempt.number < MAX_ATTEMPTS && Date.now() + waitMs <= quotaDeadline) {
    return { kind: 'retry', delayMs: waitMs + Math.random() * 50 };
  }
  return {
    kind: 'fail',
    error: new BrokerError('RATE_LIMIT', `Amazon throttled ${attempt.operation} for this seller; retry later`, {
      retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
      details: { status: 429, errors, ...(requestId ? { request_id: requestId } : {}) },
    }),
  };
}

/**
 * Any other error answer: a rejected access token is refreshed once (when the call may refresh
 * it), a read's 5xx is retried, everything else is Amazon's error as SP_API_ERROR.
 */
export function afterErrorAnswer(
  status: number,
  errors: unknown[],
  requestId: string | undefined,
  attempt: Attempt,
  tokenRefreshable: boolean,
): NextStep {
  if (status === 403 && tokenRefreshable && isExpiredToken(errors)) return { kind: 'refresh-token' };
  if (status >= 500 && attempt.isRead && attempt.number < MAX_ATTEMPTS) {
    return { kind: 'retry', delayMs: backoffDelay(attempt.number, attempt.retryBaseMs) };
  }
  return { kind: 'fail', error: amazonError(attempt.operation, status, errors, requestId, status >= 500 && attempt.isRead) };
}

function isExpiredToken(errors: unknown[]): boolean {
  return errors.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const { message, details } = e as { message?: unknown; details?: unknown };
    return EXPIRED_TOKEN.test(`${String(message ?? '')} ${String(details ?? '')}`);
  });
}

/** Amazon's error answer as the broker's SP_API_ERROR: Amazon's status and `errors` array, as given. */
export function amazonError(operation: string, status: number, errors: unknown[], requestId: string | undefined, retryable: boolean) {
  const first = errors[0] as { message?: unknown } | undefined;
  const text = typeof first?.message === 'string' ? `: ${first.message}` : '';
  return new BrokerError('SP_API_ERROR', `Amazon answered ${status} to ${operation}${text}`, {
    retryable,
    details: { status, errors, ...(requestId ? { request_id: requestId } : {}) },
  });
}
