import type { RedisClient } from '../store/redis-client.js';
import type { Logger } from 'pino';
import { rateOf, type BucketRate } from './rates.js';
import type { AcquireOptions, QuotaKey, QuotaLimiter } from './types.js';
import { acquireWith, isUsableRate, LEARNED_RATE_TTL_MS, type Reservation } from './gcra.js';
import { MemoryQuotaLimiter } from './memory-limiter.js';
import { FRONT_DOOR_LUA_FUNCTION, type FrontDoorTicket } from './front-door-counter.js';

/**
 * GCRA on Redis's clock so every broker instance agrees on time (see gcra.ts for the arithmetic).
 * `gcra(bucketKey, learnedKey, mode, rate, burst, maxWaitMs)`: the bucket's TAT in ms, and a
 * learned lower rate; both keys carry the seller's hash tag, so the scripts run unchanged on Redis
 * Cluster. mode 'reserve' → {waitMs, 1, learned} when reserved, {waitMs, 0, learned} (the
 * retry-after) when the wait exceeds maxWait; `learned` is the stored learned rate (0 when none),
 * so the caller knows whether a later DEL would change anything. mode 'penalize' → waitMs until
 * the next token after spending the whole burst.
 */
const GCRA_LUA_FUNCTION = `
local function gcra(bucketKey, learnedKey, mode, modelRate, burst, maxWaitMs)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
  local rate = tonumber(modelRate)
  local learned = tonumber(redis.call('GET', learnedKey) or '') or 0
  if learned > 0 and learned < rate then rate = learned end
  local interval = 1000 / rate
  local tolerance = (tonumber(burst) - 1) * interval
  local tat = tonumber(redis.call('GET', bucketKey) or '') or now
  if tat < now then tat = now end
  if mode == 'penalize' then
    if tat < now + tolerance + interval then tat = now + tolerance + interval end
    redis.call('SET', bucketKey, string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
    -- to the µs first: (now + tolerance + interval) - tolerance - now is not exactly interval in floating point
    return math.ceil(math.floor((tat - tolerance - now) * 1000 + 0.5) / 1000)
  end
  local wait = tat - tolerance - now
  if wait < 0 then wait = 0 end
  local learnedText = tostring(learned)
  if wait > tonumber(maxWaitMs) then return {math.ceil(wait), 0, learnedText} end
  tat = tat + interval
  redis.call('SET', bucketKey, string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
  return {math.ceil(wait), 1, learnedText}
end
`;

/** KEYS: bucket, learned rate. ARGV: mode, model rate (rps), burst, maxWaitMs. */
export const QUOTA_LUA = `${GCRA_LUA_FUNCTION}return gcra(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])`;

/**
 * Capability calls' first reservations with their front-door counts: the calls that reached their
 * quota step together (in one turn of the event loop, or while the previous batch was on its way),
 * in one round trip (one script run instead of one per call: on the hot path the script's round
 * trip cost the broker about as much CPU as the rest of the quota step). Per call, in order,
 * 3 KEYS: bucket, learned rate, front-door counter; 5 ARGV: model rate, burst, maxWaitMs,
 * front-door window (ms), front-door limit. → per call, 5 values:
 * waitMs, reserved, learned, count, countTtlMs; over the front-door limit nothing is reserved
 * (0, 0, '0', count, countTtlMs). The calls run one after another, as separate scripts would.
 */
export const FRONT_DOOR_QUOTA_LUA = `${GCRA_LUA_FUNCTION}${FRONT_DOOR_LUA_FUNCTION}
local out = {}
for i = 0, #KEYS / 3 - 1 do
  local k, a = i * 3, i * 5
  local counted = frontDoor(KEYS[k + 3], ARGV[a + 4])
  local reply = {0, 0, '0'}
  if counted[1] <= tonumber(ARGV[a + 5]) then
    reply = gcra(KEYS[k + 1], KEYS[k + 2], 'reserve', ARGV[a + 1], ARGV[a + 2], ARGV[a + 3])
  end
  out[a + 1], out[a + 2], out[a + 3], out[a + 4], out[a + 5] = reply[1], reply[2], reply[3], counted[1], counted[2]
end
return out`;

/** Values per call in FRONT_DOOR_QUOTA_LUA's ARGV and in its reply. */
const FRONT_DOOR_QUOTA_FIELDS = 5;
/** Calls per script run at most: a run blocks Redis while it lasts (~10 µs a call). */
const MAX_BATCH = 200;

/** One call's part of the next front-door reservation batch. */
interface QueuedReservation {
  keys: [bucketKey: string, learnedKey: string, frontDoorKey: string];
  args: [rate: number, burst: number, maxWaitMs: number, frontDoorWindowMs: number, frontDoorMax: number];
  resolve(reply: unknown[]): void;
  reject(error: unknown): void;
}

/** Connection states in which a command may get an answer (others wait for ioredis's reconnects). */
const USABLE_STATUSES = new Set(['ready', 'wait', 'connecting', 'connect']);

type QuotaRedis = RedisClient & {
  brokerQuota(bucketKey: string, learnedKey: string, mode: string, rate: number, burst: number, maxWaitMs: number): Promise<unknown>;
  /** numberOfKeys, then the KEYS, then the ARGV (FRONT_DOOR_QUOTA_LUA). */
  brokerQuotaAtFrontDoor(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<unknown>;
};

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
  /** Front-door reservations waiting for this turn of the event loop to end (sent as one script run). */
  private queued: QueuedReservation[] = [];
  /** Batches on their way: the next one leaves when they are answered (fewer, larger writes under load). */
  private batchesInFlight = 0;

  constructor(private readonly options: RedisQuotaLimiterOptions) {
    this.redis = options.redis as QuotaRedis;
    // EVALSHA under the hood; ioredis reloads the script on NOSCRIPT (e.g. after a Redis restart).
    this.redis.defineCommand('brokerQuota', { numberOfKeys: 2, lua: QUOTA_LUA });
    // No fixed key count: a batch of n calls passes 3n keys.
    this.redis.defineCommand('brokerQuotaAtFrontDoor', { lua: FRONT_DOOR_QUOTA_LUA });
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
    const reserve = (k: QuotaKey, maxWaitMs: number) => (frontDoor?.pending ? this.reserveAtFrontDoor(k, maxWaitMs, frontDoor) : this.reserve(k, maxWaitMs));
    return acquireWith(reserve, key, options.maxWaitMs ?? this.options.maxWaitMs, options.signal);
  }

  /**
   * The reservation and the front-door count in one script. On Redis Cluster the two keys live in
   * different slots, and while degraded there is no Redis: then the ticket counts on its own first.
   */
  private async reserveAtFrontDoor(key: QuotaKey, maxWaitMs: number, ticket: FrontDoorTicket): Promise<Reservation> {
    if (this.isDegraded || this.redis.isCluster || !USABLE_STATUSES.has(this.redis.status)) {
      await ticket.count();
      return this.reserve(key, maxWaitMs);
    }
    const bucket = this.rates(key.operation);
    const bucketKey = quotaRedisKey(this.options.prefix, key);
    const learnedKey = learnedKeyOf(bucketKey);
    const frontDoorKey = ticket.counter.redisKey(ticket.key);
    const script = new Promise<unknown[]>((resolve, reject) => {
      if (this.queued.length === 0 && this.batchesInFlight === 0) setImmediate(() => this.sendQueued());
      this.queued.push({
        keys: [bucketKey, learnedKey, frontDoorKey],
        args: [bucket.rate, bucket.burst, Math.floor(maxWaitMs), ticket.windowMs, ticket.max],
        resolve,
        reject,
      });
    });
    // Should the script fail, the ticket counts on its own (Redis, or per instance).
    const counted = ticket.countBy(
      script.then(
        (reply) => ({ current: Number(reply[3]), ttl: Number(reply[4]) }),
        () => ticket.counter.count(ticket.key, ticket.windowMs),
      ),
    );
    counted.catch(() => {}); // awaited below; a RATE_LIMIT is not an unhandled rejection meanwhile
    let reply: unknown[];
    try {
      reply = await script;
    } catch (error) {
      this.degrade(error);
      await counted;
      return this.fallback.reserve(key, maxWaitMs);
    }
    await counted; // over the front-door limit: RATE_LIMIT, and the script reserved nothing
    this.rememberLearned(learnedKey, Number(reply[2]));
    return { waitMs: Number(reply[0]), reserved: Number(reply[1]) === 1 };
  }

  /**
   * Sends the queued front-door reservations as script runs of up to MAX_BATCH calls, each within
   * one time limit; what queues meanwhile leaves when they are answered (or timed out), so under
   * load a batch holds every call of a round trip, and each round trip costs the broker and Redis
   * one write and one read.
   */
  private sendQueued() {
    while (this.queued.length > 0) this.sendBatch(this.queued.splice(0, MAX_BATCH));
  }

  private sendBatch(batch: QueuedReservation[]) {
    this.batchesInFlight += 1;
    const keys: string[] = [];
    const args: number[] = [];
    for (const queued of batch) {
      keys.push(...queued.keys);
      args.push(...queued.args);
    }
    let script: Promise<unknown>;
    try {
      script = this.redis.brokerQuotaAtFrontDoor(keys.length, ...keys, ...args);
    } catch (error) {
      script = Promise.reject(error); // a batch that cannot be sent must still answer its calls
    }
    this.timed(script)
      .then((reply) => {
        if (!Array.isArray(reply) || reply.length !== batch.length * FRONT_DOOR_QUOTA_FIELDS) throw new Error('unexpected quota script reply');
        batch.forEach((queued, i) => queued.resolve(reply.slice(i * FRONT_DOOR_QUOTA_FIELDS, (i + 1) * FRONT_DOOR_QUOTA_FIELDS)));
      })
      .catch((error: unknown) => {
        for (const queued of batch) queued.reject(error);
      })
      .finally(() => {
        this.batchesInFlight -= 1;
        if (this.batchesInFlight === 0) this.sendQueued();
      });
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
    return this.redis.brokerQuota(bucketKey, learnedKeyOf(bucketKey), mode, bucket.rate, bucket.burst, Math.floor(maxWaitMs));
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
