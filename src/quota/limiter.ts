import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { SharedStore } from '../store/shared-store.js';
import { MemoryQuotaLimiter } from './memory-limiter.js';
import { RedisQuotaLimiter } from './redis-limiter.js';
import type { QuotaLimiter } from './types.js';

export { MemoryQuotaLimiter } from './memory-limiter.js';
export { RedisQuotaLimiter, quotaRedisKey } from './redis-limiter.js';
export { OPERATION_RATES } from './rates.js';

/**
 * The broker's Amazon quota limiter: shared through Redis when the store is Redis (every instance
 * sees one bucket per seller, region and operation), in process otherwise (one instance).
 * See RedisQuotaLimiter for the documented fail mode when Redis stops answering.
 */
export function createQuotaLimiter(deps: { config: Config; store: SharedStore; log: Logger }): QuotaLimiter {
  const { config, store, log } = deps;
  if (store.kind === 'redis' && store.redis) {
    // RedisStore carries its own prefix (tests give each file one); the config's is the same in production.
    const prefix = (store as SharedStore & { prefix?: string }).prefix ?? config.redisKeyPrefix;
    return new RedisQuotaLimiter({ redis: store.redis, prefix: `${prefix}quota:`, log, maxWaitMs: config.quotaMaxWaitMs });
  }
  return new MemoryQuotaLimiter({ maxWaitMs: config.quotaMaxWaitMs });
}
