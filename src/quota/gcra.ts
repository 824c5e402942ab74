import { BrokerError } from '../errors.js';
import type { BucketRate } from './rates.js';
import type { QuotaKey } from './types.js';

/**
 * GCRA (generic cell rate algorithm), the token bucket expressed as one number per bucket: the
 * theoretical arrival time (TAT) of the next request at the steady rate. A request may go at
 * `TAT - tolerance`, tolerance = (burst - 1) × interval, so a full bucket lets `burst` requests
 * through at once and then one per interval — Amazon's bucket exactly. Reserving a slot advances
 * TAT by one interval, so waiting callers are served in reservation order.
 * The same arithmetic runs in Lua (redis-limiter.ts) and in process (memory-limiter.ts).
 */
export interface Reservation {
  /** Milliseconds until the caller's token is available (0 = now). */
  waitMs: number;
  /** False when the wait exceeded maxWait: nothing was reserved, waitMs is the retry-after. */
  reserved: boolean;
}

/** How long a learned (lower) rate from x-amzn-RateLimit-Limit holds before the model's applies again. */
export const LEARNED_RATE_TTL_MS = 60 * 60 * 1000;

const interval = (b: BucketRate) => 1000 / b.rate;
const tolerance = (b: BucketRate) => (b.burst - 1) * interval(b);

export function gcraReserve(tat: number | undefined, now: number, bucket: BucketRate, maxWaitMs: number) {
  const base = Math.max(tat ?? now, now);
  const wait = Math.max(0, base - tolerance(bucket) - now);
  if (wait > maxWaitMs) return { reservation: { waitMs: Math.ceil(wait), reserved: false }, tat: tat };
  return { reservation: { waitMs: Math.ceil(wait), reserved: true }, tat: base + interval(bucket) };
}

/** Amazon throttled us anyway: spend the whole burst, so the next token is at least one interval away. */
export function gcraPenalize(tat: number | undefined, now: number, bucket: BucketRate) {
  const next = Math.max(tat ?? now, now + tolerance(bucket) + interval(bucket));
  return { waitMs: Math.ceil(next - tolerance(bucket) - now), tat: next };
}

/** The bucket in effect: the model's, lowered by a learned rate when Amazon told us a lower one. */
export function effectiveRate(model: BucketRate, learnedRate: number | undefined): BucketRate {
  return learnedRate !== undefined && learnedRate > 0 && learnedRate < model.rate ? { rate: learnedRate, burst: model.burst } : model;
}

export function isUsableRate(rate: number) {
  return Number.isFinite(rate) && rate > 0;
}

export function quotaExhausted(key: QuotaKey, waitMs: number) {
  const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
  return new BrokerError(
    'RATE_LIMIT',
    `Amazon quota for ${key.operation} of this seller is exhausted; retry after ${retryAfterS} s`,
    { retryAfterS, details: { operation: key.operation } },
  );
}

/** Sleeps `ms`, rejecting with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal?.throwIfAborted();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The acquire protocol both limiters share: reserve, then sleep exactly the reserved wait, or throw
 * RATE_LIMIT with the real wait as retry-after. A slot reserved by a caller that then aborts is
 * not given back (it would break the order of the callers behind it); it only errs towards fewer calls.
 */
export async function acquireWith(
  reserve: (key: QuotaKey, maxWaitMs: number) => Promise<Reservation>,
  key: QuotaKey,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  const reservation = await reserve(key, Math.max(0, maxWaitMs));
  if (!reservation.reserved) throw quotaExhausted(key, reservation.waitMs);
  await sleep(reservation.waitMs, signal);
}
