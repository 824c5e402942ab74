import type { RedisClient } from '../store/redis-client.js';
import type { Logger } from 'pino';
import { rateOf, type BucketRate } from './rates.js';
import type { QuotaKey, QuotaLimiter } from './types.js';
import { acquireWith, isUsableRate, LEARNED_RATE_TTL_MS, type Reservation } from './gcra.js';
import { MemoryQuotaLimiter } from './memory-limiter.js';

/**
 * GCRA in one script, on Redis's clock so every broker instance agrees on time (see gcra.ts for the
 * arithmetic). KEYS[1]: the bucket's TAT in ms; KEYS[2]: a learned lower rate. Both carry the
 * seller's hash tag, so the script runs unchanged on Redis Cluster.
 * ARGV: mode ('reserve' | 'penalize'), model rate (rps), burst, maxWaitMs.
 * reserve → {waitMs, 1, learned} when reserved, {waitMs, 0, learned} (the retry-after) when the wait
 * exceeds maxWait; `learned` is the stored learned rate (0 when none), so the caller knows whether a
 * later DEL would change anything.
 * penalize → waitMs until the next token after spending the whole burst.
 */
export const QUOTA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[2])
local learned = tonumber(redis.call('GET', KEYS[2]) or '') or 0
if learned > 0 and learned < rate then rate = learned end
local interval = 1000 / rate
local tolerance = (tonumber(ARGV[3]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
if ARGV[1] == 'penalize' then
  if tat < now + tolerance + interval then tat = now + tolerance + interval end
  redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
  return math.ceil(tat - tolerance - now)
end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
local learnedText = tostring(learned)
if wait > tonumber(ARGV[4]) then return {math.ceil(wait), 0, learnedText} end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
return {math.ceil(wait), 1, learnedText}
`;

/** Connection states in which a command may get an answer (others wait for ioredis's reconnects). */
const USABLE_STATUSES = new Set(['ready', 'wait', 'connecting', 'connect']);

type QuotaRedis = RedisClient & {
  brokerQuota(bucketKey: string, learnedKey: string, mode: string, rate: number, burst: number, maxWaitMs: number): Promise<unknown>;
};

/**
 * `<prefix>{sp:<sellingPartnerId>}:<region>:<operation>`: the hash tag puts every key of one seller
 * on one Cluster slot. The id is percent-encoded so a brace in it could never move the tag.
 */
export function quotaRedisKey(prefix: string, key: QuotaKey) {
  return `${prefix}{sp:${encodeURIComponent(key.sellingPartnerId)}}:${key.region}:${key.operation}`;
}
export const learnedRateRedisKey = (prefix: string, key: QuotaKey) => `${quotaRedisKey(prefix, key)}:rate`;

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
  private readonly redis: QuotaRedis;
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
    this.redis = options.redis as QuotaRedis;
    // EVALSHA under the hood; ioredis reloads the script on NOSCRIPT (e.g. after a Redis restart).
    this.redis.defineCommand('brokerQuota', { numberOfKeys: 2, lua: QUOTA_LUA });
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

  acquire(key: QuotaKey, options: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    return acquireWith((k, maxWaitMs) => this.reserve(k, maxWaitMs), key, options.maxWaitMs ?? this.options.maxWaitMs, options.signal);
  }

  /** Reserves a slot when its wait is ≤ maxWaitMs; otherwise reports the wait without reserving. */
  reserve(key: QuotaKey, maxWaitMs: number): Promise<Reservation> {
    const bucket = this.rates(key.operation);
    return this.withFallback(
      async () => {
        const reply = await this.script(key, 'reserve', bucket, maxWaitMs);
        if (!Array.isArray(reply)) throw new Error('unexpected quota script reply');
        this.rememberLearned(learnedRateRedisKey(this.options.prefix, key), Number(reply[2]));
        return { waitMs: Number(reply[0]), reserved: Number(reply[1]) === 1 };
      },
      () => this.fallback.reserve(key, maxWaitMs),
    );
  }

  async observeRateLimit(key: QuotaKey, rate: number): Promise<void> {
    if (!isUsableRate(rate)) return;
    await this.fallback.observeRateLimit(key, rate);
    const learnedKey = learnedRateRedisKey(this.options.prefix, key);
    const known = this.learnedRates.get(learnedKey) ?? 0;
    const lower = rate < this.rates(key.operation).rate;
    if (lower ? known === rate : known === 0) return;
    await this.withFallback(
      async () => {
        if (lower) await this.redis.set(learnedKey, String(rate), 'PX', LEARNED_RATE_TTL_MS);
        else await this.redis.del(learnedKey);
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
      async () => Number(await this.script(key, 'penalize', bucket, 0)),
      () => this.fallback.penalizeNow(key),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopProbe();
    await this.fallback.close();
  }

  private script(key: QuotaKey, mode: 'reserve' | 'penalize', bucket: BucketRate, maxWaitMs: number) {
    const bucketKey = quotaRedisKey(this.options.prefix, key);
    return this.redis.brokerQuota(bucketKey, `${bucketKey}:rate`, mode, bucket.rate, bucket.burst, Math.floor(maxWaitMs));
  }

  private async withFallback<T>(viaRedis: () => Promise<T>, local: () => T): Promise<T> {
    if (this.isDegraded) return local();
    if (!USABLE_STATUSES.has(this.redis.status)) {
      // ioredis already knows the connection is gone: don't queue behind its reconnect attempts.
      this.degrade(new Error(`Redis connection is ${this.redis.status}`));
      return local();
    }
    try {
      return await this.timed(viaRedis());
    } catch (error) {
      this.degrade(error);
      return local();
    }
  }

  private timed<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    // A late reply (or error) of the abandoned command must not become an unhandled rejection.
    promise.catch(() => {});
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
      await this.timed(this.redis.ping());
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
