import type { Region } from '../marketplaces/marketplaces.js';
import type { OperationName } from '../spapi/types.js';
import type { FrontDoorUnit } from './front-door-counter.js';

/** One of Amazon's buckets: a selling partner's quota for one operation in one region. */
export interface QuotaKey {
  sellingPartnerId: string;
  region: Region;
  operation: OperationName;
}

export interface AcquireOptions {
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** A call's pending front-door count, taken with this reservation (CallQuota passes it; nobody else). */
  frontDoor?: FrontDoorUnit;
}

export interface QuotaLimiter {
  /**
   * Takes one token for the key. Waits when the token comes within `maxWaitMs` (the config's
   * quotaMaxWaitMs by default), in arrival order per key; otherwise throws BrokerError RATE_LIMIT
   * with retryAfterS. Never waits for another seller's bucket.
   */
  acquire(key: QuotaKey, options?: AcquireOptions): Promise<void>;
  /** Amazon said this seller's rate for the operation is `rate` rps (x-amzn-RateLimit-Limit): lower ours when lower. */
  observeRateLimit(key: QuotaKey, rate: number): Promise<void>;
  /** Amazon answered 429 despite our bucket: empty it so callers back off. Returns ms until the next token. */
  penalize(key: QuotaKey): Promise<number>;
  /** True while the limiter runs on its local fallback because Redis is unreachable. */
  readonly degraded: boolean;
  close(): Promise<void>;
}
