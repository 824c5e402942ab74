import { OPERATION_RATES } from '../../src/quota/rates.js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createQuotaLimiter } from '../../src/quota/limiter.js';
import { MemoryQuotaLimiter } from '../../src/quota/memory-limiter.js';
import { quotaRedisKey, RedisQuotaLimiter } from '../../src/quota/redis-limiter.js';
import { MemoryStore, RedisStore } from '../../src/store/shared-store.js';
import { missing } from '../helpers/services.js';
import { captureLog, deleteKeys, redisUrl, sellerKey, uniquePrefix } from './helpers.js';

const prefix = uniquePrefix('factory');
const config = loadConfig({ BROKER_MODE: 'sandbox', QUOTA_MAX_WAIT_MS: '0', REDIS_KEY_PREFIX: 'unused:' });
let store: RedisStore | undefined;

afterAll(async () => {
  if (!store) return;
  await deleteKeys(store.redis, prefix);
  await store.close();
});

describe('createQuotaLimiter', () => {
  it.skipIf(missing('Redis'))('shares buckets through Redis under the store prefix when the store is Redis', async () => {
    store = new RedisStore(redisUrl(), prefix);
    await store.connect();
    const limiter = createQuotaLimiter({ config, store, log: captureLog().log });
    expect(limiter).toBeInstanceOf(RedisQuotaLimiter);
    const key = sellerKey('getListingsItem');
    for (let i = 0; i < OPERATION_RATES.getListingsItem.burst; i++) await limiter.acquire(key);
    expect(await store.redis.exists(quotaRedisKey(`${prefix}quota:`, key))).toBe(1);
    // config.quotaMaxWaitMs (0 here) is the default maxWait.
    await expect(limiter.acquire(key)).rejects.toMatchObject({ code: 'RATE_LIMIT', retryAfterS: 1 });
    expect(limiter.degraded).toBe(false);
    await limiter.close();
  });

  it('runs in process when the store is memory', async () => {
    const limiter = createQuotaLimiter({ config, store: new MemoryStore(), log: captureLog().log });
    expect(limiter).toBeInstanceOf(MemoryQuotaLimiter);
    const key = sellerKey('getListingsItem');
    for (let i = 0; i < OPERATION_RATES.getListingsItem.burst; i++) await limiter.acquire(key);
    await expect(limiter.acquire(key)).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    expect(limiter.degraded).toBe(false);
    await limiter.close();
  });
});
