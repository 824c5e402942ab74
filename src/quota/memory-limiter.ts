import { performance } from 'node:perf_hooks';
import { rateOf, type BucketRate } from './rates.js';
import type { AcquireOptions, QuotaKey, QuotaLimiter } from './types.js';
import {
  acquireWith,
  effectiveRate,
  gcraPenalize,
  gcraReserve,
  isUsableRate,
  LEARNED_RATE_TTL_MS,
  type Reservation,
} from './gcra.js';

export interface MemoryQuotaLimiterOptions {
  /** Default maxWaitMs of acquire (the config's quotaMaxWaitMs). */
  maxWaitMs: number;
  /** The bucket per operation; OPERATION_RATES by default. */
  rates?: (operation: QuotaKey['operation']) => BucketRate;
  /** Fraction of each rate this process may use (the Redis limiter's fallback runs at 1/instances). */
  share?: number;
  /** Caps every burst (the fallback uses 1, so instances that lost Redis never burst together). */
  maxBurst?: number;
  /** Monotonic milliseconds; tests may inject a clock. */
  now?: () => number;
}

const SWEEP_EVERY_MS = 60_000;

export const bucketId = (key: QuotaKey) => `${key.sellingPartnerId}\u0000${key.region}\u0000${key.operation}`;

/**
 * The quota limiter of a single broker instance (no REDIS_URL): the same GCRA as the Redis script,
 * on a Map. Also the Redis limiter's local fallback while Redis is unreachable.
 */
export class MemoryQuotaLimiter implements QuotaLimiter {
  readonly degraded = false;
  private readonly tats = new Map<string, number>();
  private readonly learned = new Map<string, { rate: number; expiresAt: number }>();
  private readonly rates: (operation: QuotaKey['operation']) => BucketRate;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: MemoryQuotaLimiterOptions) {
    this.rates = options.rates ?? rateOf;
    this.now = options.now ?? (() => performance.now());
    this.lastSweep = this.now();
  }

  async acquire(key: QuotaKey, options: AcquireOptions = {}): Promise<void> {
    await options.frontDoor?.count();
    return acquireWith((k, maxWaitMs) => Promise.resolve(this.reserve(k, maxWaitMs)), key, options.maxWaitMs ?? this.options.maxWaitMs, options.signal);
  }

  /** Reserves a slot when its wait is ≤ maxWaitMs; otherwise reports the wait without reserving. */
  reserve(key: QuotaKey, maxWaitMs: number): Reservation {
    const now = this.now();
    this.sweep(now);
    const id = bucketId(key);
    const result = gcraReserve(this.tats.get(id), now, this.bucket(key, id, now), maxWaitMs);
    if (result.reservation.reserved && result.tat !== undefined) this.tats.set(id, result.tat);
    return result.reservation;
  }

  async observeRateLimit(key: QuotaKey, rate: number): Promise<void> {
    this.observeRateLimitNow(key, rate);
  }

  observeRateLimitNow(key: QuotaKey, rate: number): void {
    if (!isUsableRate(rate)) return;
    if (rate < this.rates(key.operation).rate) this.learned.set(bucketId(key), { rate, expiresAt: this.now() + LEARNED_RATE_TTL_MS });
    // Amazon repeats the model rate on nearly every answer: with nothing learned there is nothing to forget.
    else if (this.learned.size > 0) this.learned.delete(bucketId(key));
  }

  async penalize(key: QuotaKey): Promise<number> {
    return this.penalizeNow(key);
  }

  penalizeNow(key: QuotaKey): number {
    const now = this.now();
    const id = bucketId(key);
    const result = gcraPenalize(this.tats.get(id), now, this.bucket(key, id, now));
    this.tats.set(id, result.tat);
    return result.waitMs;
  }

  async close(): Promise<void> {
    this.tats.clear();
    this.learned.clear();
  }

  private bucket(key: QuotaKey, id: string, now: number): BucketRate {
    const learned = this.learned.get(id);
    if (learned && learned.expiresAt <= now) this.learned.delete(id);
    const base = effectiveRate(this.rates(key.operation), learned && learned.expiresAt > now ? learned.rate : undefined);
    const share = this.options.share ?? 1;
    const burst = Math.max(1, Math.min(base.burst, this.options.maxBurst ?? base.burst));
    return { rate: base.rate * share, burst };
  }

  /** Forgets full buckets and expired learned rates now and then, so the maps stay small. */
  private sweep(now: number) {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, tat] of this.tats) if (tat <= now) this.tats.delete(id);
    for (const [id, learned] of this.learned) if (learned.expiresAt <= now) this.learned.delete(id);
  }
}
