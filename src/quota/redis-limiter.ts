import type { RedisClient } from '../store/redis-client.js';
import type { Logger } from 'pino';
import { rateOf, type BucketRate } from './rates.js';
import type { AcquireOptions, QuotaKey, QuotaLimiter } from './types.js';
import { acquireWith, isUsableRate, LEARNED_RATE_TTL_MS, type Reservation } from './gcra.js';
import { MemoryQuotaLimiter } from './memory-limiter.js';
import { RedisScripts, timed, type Reserved } from './redis-scripts.js';
import type { FrontDoorUnit } from './front-door-counter.js';

const DONE: Promise<void> = Promise.resolve();

/** Connection states in which a command may get an answer (others wait for ioredis's reconnects). */
const USABLE_STATUSES = new Set(['ready', 'wait', 'connecting', 'connect']);

/**
 * `<prefix>{sp:<sellingPartnerId>}:<region>:<operation>`: the hash tag puts every key of one seller
 * on one Cluster slot. The id is percent-encoded so a brace in it could never move the tag.
 */
export function quotaRedisKey(prefix: string, key: QuotaKey) {
  return `${prefix}{sp:${encodeURIComponent(key.sellingPartnerId)}}:${key.region}:${key.operation}`;
}
/** A bucket's learned lower rate sits beside it. */
const learnedKeyOf = (bucketKey: string) => `${bucketKey}:rate`;
export const learnedRateRedisKey = (prefix: string, key: QuotaKey) => learnedKeyOf(quotaRedisKey(prefix, key));

export interface RedisQuotaLimiterOptions {
  redis: RedisClient;
  prefix: string;
  log: Logger;
  /** Default maxWaitMs of acquire (the config's quotaMaxWaitMs). */
  maxWaitMs: number;
  rates?: (operation: QuotaKey['operation']) => BucketRate;
  /** Per-call Redis time limit; past it the call runs on the local fallback. */
  commandTimeoutMs?: number;
  /** How many broker instances the fallback assumes share a seller: each runs at rate / instances, burst 1. */
  fallbackInstances?: number;
  /** How often a degraded limiter pings Redis to come back. */
  probeIntervalMs?: number;
}

/**
 * The quota limiter shared by every broker instance through Redis.
 *
 * Fail mode: when a Redis call errors or takes longer than `commandTimeoutMs`, the limiter turns
 * `degraded` (warns once) and serves from an in-process limiter at rate / fallbackInstances with
 * burst 1, so the instances together stay under Amazon's limit. While degraded it skips Redis
 * (no per-call timeout cost) and pings it every `probeIntervalMs`; the first answer ends the
 * degraded mode, also when no request comes (so /readyz recovers). Never hangs, never throws
 * because of Redis.
 */
export class RedisQuotaLimiter implements QuotaLimiter {
  private readonly redis: RedisClient;
  private readonly scripts: RedisScripts;
  private readonly rates: (operation: QuotaKey['operation']) => BucketRate;
  private readonly fallback: MemoryQuotaLimiter;
  private readonly timeoutMs: number;
  private readonly probeIntervalMs: number;
  private probeTimer: NodeJS.Timeout | undefined;
  private isDegraded = false;
  private closed = false;
  /**
   * The learned rate each bucket had when this instance last touched it (absent: none). Amazon
   * repeats its rate on every answer; only a change is written, so a success costs no Redis write.
   */
  private readonly learnedRates = new Map<string, number>();

  constructor(private readonly options: RedisQuotaLimiterOptions) {
    this.redis = options.redis;
    this.scripts = RedisScripts.of(options.redis);
    this.rates = options.rates ?? rateOf;
    this.timeoutMs = options.commandTimeoutMs ?? 500;
    this.probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.fallback = new MemoryQuotaLimiter({
      maxWaitMs: options.maxWaitMs,
      rates: this.rates,
      share: 1 / Math.max(1, options.fallbackInstances ?? 3),
      maxBurst: 1,
    });
  }

  get degraded() {
    return this.isDegraded;
  }

  acquire(key: QuotaKey, options: AcquireOptions = {}): Promise<void> {
    const { frontDoor } = options;
    // The first reservation takes the call's front-door count along; a retry after a wait does not.
    const reserve = (k: QuotaKey, maxWaitMs: number) => this.reserve(k, maxWaitMs, frontDoor?.pending ? frontDoor : undefined);
    return acquireWith(reserve, key, options.maxWaitMs ?? this.options.maxWaitMs, options.signal);
  }

  /**
   * Reserves a slot when its wait is ≤ maxWaitMs; otherwise reports the wait without reserving.
   * It leaves with whatever else this instance asks Redis in this turn (src/quota/redis-scripts.ts),
   * and with `frontDoor`'s count if given: over that limit it throws RATE_LIMIT and reserves nothing.
   */
  async reserve(key: QuotaKey, maxWaitMs: number, frontDoor?: FrontDoorUnit): Promise<Reservation> {
    if (this.isDegraded || !USABLE_STATUSES.has(this.redis.status)) {
      // ioredis already knows the connection is gone: don't queue behind its reconnect attempts.
      if (!this.isDegraded) this.degrade(new Error(`Redis connection is ${this.redis.status}`));
      await frontDoor?.count();
      return this.fallback.reserve(key, maxWaitMs);
    }
    const bucket = this.rates(key.operation);
    const bucketKey = quotaRedisKey(this.options.prefix, key);
    const learnedKey = learnedKeyOf(bucketKey);
    const along = frontDoor ? { counterKey: frontDoor.redisKey, windowMs: frontDoor.windowMs, max: frontDoor.max } : undefined;
    const script = this.scripts.reserve(bucketKey, learnedKey, bucket.rate, bucket.burst, Math.floor(maxWaitMs), this.timeoutMs, along);
    // Should the script fail, the unit counts on its own (Redis, or per instance).
    const counted = frontDoor?.countBy(
      script.then(
        (reply) => reply.counted ?? { current: 0, ttl: 0 },
        () => frontDoor.counter.count(frontDoor.key, frontDoor.windowMs),
      ),
    );
    counted?.catch(() => {}); // awaited below; a RATE_LIMIT is not an unhandled rejection meanwhile
    let reply: Reserved;
    try {
      reply = await script;
    } catch (error) {
      this.degrade(error);
      await counted;
      return this.fallback.reserve(key, maxWaitMs);
    }
    await counted; // over the front-door limit: RATE_LIMIT, and the script reserved nothing
    this.rememberLearned(learnedKey, reply.learned);
    return { waitMs: reply.waitMs, reserved: reply.reserved };
  }

  observeRateLimit(key: QuotaKey, rate: number): Promise<void> {
    if (!isUsableRate(rate)) return DONE;
    this.fallback.observeRateLimitNow(key, rate);
    const lower = rate < this.rates(key.operation).rate;
    // Amazon repeats the model rate on nearly every answer: with no bucket known to have a
    // learned rate, there is nothing to clear (and no key to build).
    if (!lower && this.learnedRates.size === 0) return DONE;
    return this.storeLearned(key, rate, lower);
  }

  private async storeLearned(key: QuotaKey, rate: number, lower: boolean): Promise<void> {
    const learnedKey = learnedRateRedisKey(this.options.prefix, key);
    const known = this.learnedRates.get(learnedKey) ?? 0;
    if (lower ? known === rate : known === 0) return;
    await this.withFallback(
      async () => {
        await timed<unknown>(lower ? this.redis.set(learnedKey, String(rate), 'PX', LEARNED_RATE_TTL_MS) : this.redis.del(learnedKey), this.timeoutMs);
        this.rememberLearned(learnedKey, lower ? rate : 0);
      },
      () => undefined,
    );
  }

  private rememberLearned(learnedKey: string, rate: number) {
    if (Number.isFinite(rate) && rate > 0) this.learnedRates.set(learnedKey, rate);
    else this.learnedRates.delete(learnedKey);
  }

  penalize(key: QuotaKey): Promise<number> {
    const bucket = this.rates(key.operation);
    return this.withFallback(
      async () => {
        const bucketKey = quotaRedisKey(this.options.prefix, key);
        return Number(await this.scripts.penalize(bucketKey, learnedKeyOf(bucketKey), bucket.rate, bucket.burst, this.timeoutMs));
      },
      () => this.fallback.penalizeNow(key),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopProbe();
    await this.fallback.close();
  }

  /** `viaRedis` bounds its own wait (timed, or a batch's time limit); an error or timeout degrades. */
  private async withFallback<T>(viaRedis: () => Promise<T>, local: () => T): Promise<T> {
    if (this.isDegraded) return local();
    if (!USABLE_STATUSES.has(this.redis.status)) {
      // ioredis already knows the connection is gone: don't queue behind its reconnect attempts.
      this.degrade(new Error(`Redis connection is ${this.redis.status}`));
      return local();
    }
    try {
      return await viaRedis();
    } catch (error) {
      this.degrade(error);
      return local();
    }
  }

  private degrade(error: unknown) {
    if (this.isDegraded || this.closed) return;
    this.isDegraded = true;
    this.options.log.warn(
      { err: error },
      'quota limiter: Redis unreachable, using the local fallback limiter at a share of each rate until it answers again',
    );
    this.probeTimer = setInterval(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe() {
    if (!this.isDegraded || this.closed) return;
    // Only a connection ioredis has (re)established (or will open lazily) can answer; anything else would queue.
    if (this.redis.status !== 'ready' && this.redis.status !== 'wait') return;
    try {
      await timed(this.redis.ping(), this.timeoutMs);
    } catch {
      return;
    }
    if (!this.isDegraded || this.closed) return;
    this.isDegraded = false;
    this.stopProbe();
    this.options.log.info('quota limiter: Redis answers again, quotas are shared across instances again');
  }

  private stopProbe() {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}
