import { QUOTA_BATCH_COMMAND, type RedisClient } from '../store/redis-client.js';

/**
 * The Lua the quota limiter and the front door run in Redis, and the round trip they share.
 *
 * Whatever this instance asks Redis in one turn of the event loop (or while the previous run is on
 * its way) leaves as one script run: one write and one read for the broker and one wake-up for
 * Redis per batch, not per call. A capability call's front-door count rides with its first
 * reservation (src/quota/call-quota.ts) instead of a round trip of its own before it, which cost
 * listings.get calls/s measurably (bench/README.md, "the front door with the quota"). A Redis
 * Cluster runs each question as its own script: a batch's keys span slots.
 */

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

/** `frontDoor(key, windowMs)` → {count, ttlMs}, the same fixed window as @fastify/rate-limit's Redis store. */
const FRONT_DOOR_LUA_FUNCTION = `
local function frontDoor(key, windowMs)
  local current = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if current == 1 or ttl < 0 then
    redis.call('PEXPIRE', key, windowMs)
    ttl = tonumber(windowMs)
  end
  return {current, ttl}
end
`;

/** One bucket. KEYS: bucket, learned rate. ARGV: mode, model rate (rps), burst, maxWaitMs. */
const QUOTA_LUA = `${GCRA_LUA_FUNCTION}return gcra(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])`;

/** One counter. KEYS: counter. ARGV: window (ms). */
const FRONT_DOOR_COUNT_LUA = `${FRONT_DOOR_LUA_FUNCTION}return frontDoor(KEYS[1], ARGV[1])`;

/**
 * A batch. ARGV[1] = n, the front-door counts; KEYS[1..n] their counters, ARGV[2..n+1] their
 * windows. Then per reservation 3 KEYS (bucket, learned rate, the call's front-door counter) and
 * 5 ARGV (model rate, burst, maxWaitMs, counter window, front-door limit; limit -1: no count, and
 * the third key is not touched). → per count {count, ttlMs}, then per reservation {waitMs,
 * reserved, learned, count, ttlMs}, in order, as separate scripts would answer them; over its
 * front-door limit a reservation reserves nothing {0, 0, '0', count, ttlMs}.
 */
const BATCH_LUA = `${GCRA_LUA_FUNCTION}${FRONT_DOOR_LUA_FUNCTION}
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local counted = frontDoor(KEYS[i], ARGV[i + 1])
  out[#out + 1] = counted[1]
  out[#out + 1] = counted[2]
end
for j = 0, (#KEYS - n) / 3 - 1 do
  local k, a = n + j * 3, n + 1 + j * 5
  local counted = {0, 0}
  local limit = tonumber(ARGV[a + 5])
  if limit >= 0 then counted = frontDoor(KEYS[k + 3], ARGV[a + 4]) end
  local reply = {0, 0, '0'}
  if limit < 0 or counted[1] <= limit then
    reply = gcra(KEYS[k + 1], KEYS[k + 2], 'reserve', ARGV[a + 1], ARGV[a + 2], ARGV[a + 3])
  end
  out[#out + 1] = reply[1]
  out[#out + 1] = reply[2]
  out[#out + 1] = reply[3]
  out[#out + 1] = counted[1]
  out[#out + 1] = counted[2]
end
return out`;

/** Questions per script run at most: a run blocks Redis while it lasts (~10 µs each). */
const MAX_BATCH = 200;
const COUNT_FIELDS = 2;
const RESERVE_FIELDS = 5;

type ScriptRedis = RedisClient & {
  brokerQuota(bucketKey: string, learnedKey: string, mode: string, rate: number, burst: number, maxWaitMs: number): Promise<unknown>;
  brokerFrontDoorCount(key: string, windowMs: number): Promise<unknown>;
  /** numberOfKeys, then the KEYS, then the ARGV (BATCH_LUA). */
  brokerBatch(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<unknown>;
};

interface Question {
  keys: string[];
  args: number[];
  /** The longest this question may wait for its answer (others in its run may wait longer). */
  timeoutMs: number;
  resolve(reply: unknown[]): void;
  reject(error: unknown): void;
}

/** A front-door count: requests in the current window, this one included, and the window's time left. */
export interface WindowCount {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

/** A reservation: the wait, whether it was reserved, the bucket's stored learned rate (0: none), and the count it took along. */
export interface Reserved {
  waitMs: number;
  reserved: boolean;
  learned: number;
  counted: WindowCount | undefined;
}

const countedOf = (values: unknown[], at: number): WindowCount => ({ current: Number(values[at]), ttl: Number(values[at + 1]) });

function arrayOf(reply: unknown, length: number): unknown[] {
  if (!Array.isArray(reply) || reply.length !== length) throw new Error('unexpected quota script reply');
  return reply;
}

/** The front-door count a reservation takes along: nothing is reserved once `counterKey` is over `max`. */
export interface CountAlong {
  counterKey: string;
  windowMs: number;
  max: number;
}

const scriptsByClient = new WeakMap<RedisClient, RedisScripts>();

/** The scripts of one Redis connection, shared by everyone who asks through it. */
export class RedisScripts {
  private readonly redis: ScriptRedis;
  private counts: Question[] = [];
  private reservations: Question[] = [];
  /** Runs on their way: the next one leaves when they are answered (fewer, larger writes under load). */
  private runsInFlight = 0;

  static of(redis: RedisClient): RedisScripts {
    let scripts = scriptsByClient.get(redis);
    if (!scripts) scriptsByClient.set(redis, (scripts = new RedisScripts(redis)));
    return scripts;
  }

  private constructor(redis: RedisClient) {
    this.redis = redis as ScriptRedis;
    // EVALSHA under the hood; ioredis reloads a script on NOSCRIPT (e.g. after a Redis restart).
    redis.defineCommand('brokerQuota', { numberOfKeys: 2, lua: QUOTA_LUA });
    redis.defineCommand('brokerFrontDoorCount', { numberOfKeys: 1, lua: FRONT_DOOR_COUNT_LUA });
    // Not auto-pipelined (src/store/redis-client.ts): a batch is already one write per turn.
    redis.defineCommand(QUOTA_BATCH_COMMAND, { lua: BATCH_LUA });
  }

  /** One front-door count; rejects when Redis fails or takes longer than `timeoutMs`. */
  async count(counterKey: string, windowMs: number, timeoutMs: number): Promise<WindowCount> {
    const reply = this.redis.isCluster
      ? arrayOf(await timed(this.redis.brokerFrontDoorCount(counterKey, windowMs), timeoutMs), COUNT_FIELDS)
      : await this.ask(this.counts, [counterKey], [windowMs], timeoutMs);
    return countedOf(reply, 0);
  }

  /**
   * One reservation (GCRA 'reserve'), with a front-door count along if given; rejects when Redis
   * fails or takes longer than `timeoutMs`.
   */
  async reserve(bucketKey: string, learnedKey: string, rate: number, burst: number, maxWaitMs: number, timeoutMs: number, along?: CountAlong): Promise<Reserved> {
    if (this.redis.isCluster) return this.reserveOnCluster(bucketKey, learnedKey, rate, burst, maxWaitMs, timeoutMs, along);
    const keys = [bucketKey, learnedKey, along?.counterKey ?? bucketKey];
    const reply = await this.ask(this.reservations, keys, [rate, burst, maxWaitMs, along?.windowMs ?? 0, along?.max ?? -1], timeoutMs);
    return { waitMs: Number(reply[0]), reserved: Number(reply[1]) === 1, learned: Number(reply[2]), counted: along ? countedOf(reply, 3) : undefined };
  }

  /** On a Cluster the counter and the bucket live in different slots: two scripts, the count first. */
  private async reserveOnCluster(bucketKey: string, learnedKey: string, rate: number, burst: number, maxWaitMs: number, timeoutMs: number, along?: CountAlong): Promise<Reserved> {
    let counted: WindowCount | undefined;
    if (along) {
      counted = countedOf(arrayOf(await timed(this.redis.brokerFrontDoorCount(along.counterKey, along.windowMs), timeoutMs), COUNT_FIELDS), 0);
      if (counted.current > along.max) return { waitMs: 0, reserved: false, learned: 0, counted };
    }
    const reply = arrayOf(await timed(this.redis.brokerQuota(bucketKey, learnedKey, 'reserve', rate, burst, maxWaitMs), timeoutMs), 3);
    return { waitMs: Number(reply[0]), reserved: Number(reply[1]) === 1, learned: Number(reply[2]), counted };
  }

  /** GCRA 'penalize' on its own (rare: Amazon answered 429): waitMs until the bucket's next token. */
  penalize(bucketKey: string, learnedKey: string, rate: number, burst: number, timeoutMs: number): Promise<unknown> {
    return timed(this.redis.brokerQuota(bucketKey, learnedKey, 'penalize', rate, burst, 0), timeoutMs);
  }

  private ask(queue: Question[], keys: string[], args: number[], timeoutMs: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      if (this.counts.length + this.reservations.length === 0 && this.runsInFlight === 0) setImmediate(() => this.sendQueued());
      queue.push({ keys, args, timeoutMs, resolve, reject });
    });
  }

  private sendQueued() {
    while (this.counts.length + this.reservations.length > 0) {
      const counts = this.counts.splice(0, MAX_BATCH);
      this.send(counts, this.reservations.splice(0, MAX_BATCH - counts.length));
    }
  }

  private send(counts: Question[], reservations: Question[]) {
    this.runsInFlight += 1;
    const all = [...counts, ...reservations];
    const keys: string[] = [];
    const args: number[] = [counts.length];
    for (const question of all) keys.push(...question.keys);
    for (const question of all) args.push(...question.args);
    let run: Promise<unknown>;
    try {
      run = this.redis.brokerBatch(keys.length, ...keys, ...args);
    } catch (error) {
      run = Promise.reject(error); // a batch that cannot be sent must still answer its questions
    }
    let timers: NodeJS.Timeout[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      this.runsInFlight -= 1;
      if (this.runsInFlight === 0) this.sendQueued();
    };
    // Each question waits as long as it may, no longer (a front-door count less than a
    // reservation): a batch's shortest wait does not cut the others short. A settled promise
    // ignores a later answer.
    const waits = [...new Set(all.map((question) => question.timeoutMs))];
    const longest = Math.max(...waits);
    timers = waits.map((ms) =>
      setTimeout(() => {
        const late = new Error(`Redis did not answer within ${ms} ms`);
        for (const question of all) if (question.timeoutMs === ms) question.reject(late);
        if (ms === longest) finish();
      }, ms),
    );
    run
      .then((answer) => {
        const reply = arrayOf(answer, counts.length * COUNT_FIELDS + reservations.length * RESERVE_FIELDS);
        counts.forEach((question, i) => question.resolve(reply.slice(i * COUNT_FIELDS, (i + 1) * COUNT_FIELDS)));
        const offset = counts.length * COUNT_FIELDS;
        reservations.forEach((question, i) => question.resolve(reply.slice(offset + i * RESERVE_FIELDS, offset + (i + 1) * RESERVE_FIELDS)));
      })
      .catch((error: unknown) => {
        for (const question of all) question.reject(error);
      })
      .finally(finish);
  }
}

/** `promise`, or a rejection once `timeoutMs` passed; a late answer or error of it is ignored. */
export function timed<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
