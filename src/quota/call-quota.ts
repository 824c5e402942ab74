import type { BrokerError } from '../errors.js';
import { limitOf, type FrontDoorUnit } from './front-door-counter.js';
import type { AcquireOptions, QuotaKey, QuotaLimiter } from './types.js';

/**
 * One capability call's quota: the seller's Amazon quota with the call's front-door unit riding
 * along. The first reservation takes the count with it (one script run for both: see
 * src/quota/redis-scripts.ts for why); `refusal()` takes it on its own when no reservation did (a
 * call that needs no quota, a write before it stages, a replay, a refused call). Either way the
 * call counts exactly once, and over the limit nothing is reserved. The SP-API client sees only a
 * QuotaLimiter.
 */
export class CallQuota implements QuotaLimiter {
  constructor(
    private readonly limiter: QuotaLimiter,
    private readonly frontDoor: FrontDoorUnit,
  ) {}

  get degraded() {
    return this.limiter.degraded;
  }

  acquire(key: QuotaKey, options?: AcquireOptions): Promise<void> {
    if (!this.frontDoor.pending) return this.limiter.acquire(key, options);
    return this.limiter.acquire(key, options ? { ...options, frontDoor: this.frontDoor } : { frontDoor: this.frontDoor });
  }

  observeRateLimit(key: QuotaKey, rate: number): Promise<void> {
    return this.limiter.observeRateLimit(key, rate);
  }

  penalize(key: QuotaKey): Promise<number> {
    return this.limiter.penalize(key);
  }

  /** The shared limiter outlives the call. */
  async close(): Promise<void> {}

  /** Not counted yet, nor being counted (no reservation took it, nor did refusal() or admitted()). */
  get uncounted(): boolean {
    return this.frontDoor.pending;
  }

  /** The call's front-door count, taken now unless taken already: RATE_LIMIT over the limit, else undefined. */
  refusal(): Promise<BrokerError | undefined> {
    return limitOf(this.frontDoor.count());
  }

  /** The count taken now unless taken already; throws RATE_LIMIT over the limit. */
  admitted(): Promise<void> {
    return this.frontDoor.count();
  }
}
