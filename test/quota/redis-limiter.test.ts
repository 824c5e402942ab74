import { createServer, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { learnedRateRedisKey, quotaRedisKey, RedisQuotaLimiter, type RedisQuotaLimiterOptions } from '../../src/quota/redis-limiter.js';
import type { BucketRate } from '../../src/quota/rates.js';
import { FrontDoorCounter } from '../../src/quota/front-door-counter.js';
import { missing } from '../helpers/services.js';
import { RedisScripts } from '../../src/quota/redis-scripts.js';
import { createRedisClient, QUOTA_BATCH_COMMAND } from '../../src/store/redis-client.js';
import { captureLog, connectRedis, deleteKeys, elapsedSince, eventually, recordCommands, redisUrl, sellerKey, uniquePrefix } from './helpers.js';

const prefix = uniquePrefix('redis-limiter');
const redisMissing = missing('Redis');
const connections: Redis[] = [];
const limiters: RedisQuotaLimiter[] = [];
let admin: Redis;

async function connection() {
  const redis = connectRedis();
  await redis.connect();
  connections.push(redis);
  return redis;
}

function limiterOn(redis: Redis, bucket: BucketRate, extra: Partial<RedisQuotaLimiterOptions> = {}) {
  const limiter = new RedisQuotaLimiter({ redis, prefix, log: captureLog().log, maxWaitMs: 3_000, rates: () => bucket, ...extra });
  limiters.push(limiter);
  return limiter;
}

/** A limiter on a connection of its own (so its commands can be recorded apart). */
async function ownLimiter(bucket: BucketRate) {
  const redis = await connection();
  return { redis, limiter: limiterOn(redis, bucket) };
}

/** EVALSHA's numkeys: 3 per reservation of a batch (bucket, learned rate, front-door counter). */
const keysSent = (command: { args: unknown[] }) => Number(command.args[1]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (!redisMissing) admin = await connection();
});

afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
  if (admin) await deleteKeys(admin, prefix);
  for (const redis of connections) redis.disconnect();
});

describe.skipIf(redisMissing)('quota keys', () => {
  it('are hash-tagged per seller, under the store prefix', async () => {
    const key = { sellingPartnerId: 'A1B2C3', region: 'EU' as const, operation: 'getListingsItem' as const };
    expect(quotaRedisKey('broker:quota:', key)).toBe('broker:quota:{sp:A1B2C3}:EU:getListingsItem');
    expect(learnedRateRedisKey('broker:quota:', key)).toBe('broker:quota:{sp:A1B2C3}:EU:getListingsItem:rate');
    // A brace in an id can never move the tag to another slot.
    expect(quotaRedisKey('p:', { ...key, sellingPartnerId: 'A}{x' })).toBe('p:{sp:A%7D%7Bx}:EU:getListingsItem');

    const limiter = limiterOn(admin, { rate: 20, burst: 2 });
    const live = sellerKey();
    await limiter.acquire(live);
    const stored = quotaRedisKey(prefix, live);
    expect(stored).toContain(`{sp:${live.sellingPartnerId}}`);
    expect(await admin.exists(stored)).toBe(1);
    expect(await admin.pttl(stored)).toBeGreaterThan(0);
  });
});

describe.skipIf(redisMissing)('RedisQuotaLimiter', () => {
  it('lets the burst through, then serves concurrent callers in reservation order spaced by 1/rate', async () => {
    const limiter = limiterOn(admin, { rate: 20, burst: 2 });
    const key = sellerKey();
    const start = performance.now();
    const done: Array<{ i: number; at: number }> = [];
    await Promise.all(Array.from({ length: 8 }, (_, i) => limiter.acquire(key).then(() => done.push({ i, at: elapsedSince(start) }))));
    expect(done.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Never earlier than the bucket allows (a small margin for timer granularity), never stuck.
    done.forEach((d, i) => expect(d.at).toBeGreaterThanOrEqual(Math.max(0, i - 1) * 50 - 5));
    expect(done.at(-1)!.at).toBeLessThan(2_000);
  });

  it('gives every reservation its own slot across two instances (two connections, one bucket)', async () => {
    const a = limiterOn(await connection(), { rate: 20, burst: 2 });
    const b = limiterOn(await connection(), { rate: 20, burst: 2 });
    const key = sellerKey();
    const reservations = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).reserve(key, 10_000)));
    const waits = reservations.map((r) => r.waitMs).sort((x, y) => x - y);
    expect(reservations.every((r) => r.reserved)).toBe(true);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    // Slots 50 ms apart on Redis's clock; the few ms between calls only shorten the later waits.
    for (let i = 2; i < waits.length; i += 1) expect(waits[i]! - waits[i - 1]!).toBeGreaterThanOrEqual(i === 2 ? 30 : 45);
    expect(waits.at(-1)).toBeGreaterThan(350);
  });

  it('never lets two instances together exceed rate × time + burst', async () => {
    const bucket = { rate: 20, burst: 2 };
    const instances = [limiterOn(await connection(), bucket), limiterOn(await connection(), bucket)];
    const key = sellerKey();
    const grants: number[] = [];
    const start = performance.now();
    const runFor = 1_200;
    const worker = async (limiter: RedisQuotaLimiter) => {
      while (elapsedSince(start) < runFor) {
        try {
          await limiter.acquire(key, { maxWaitMs: 150 });
          grants.push(performance.now());
        } catch (error) {
          if (!(error instanceof BrokerError)) throw error;
          await sleep(10); // an impatient client retrying hard
        }
      }
    };
    await Promise.all(instances.flatMap((limiter) => Array.from({ length: 4 }, () => worker(limiter))));
    const elapsedS = elapsedSince(start) / 1000;
    expect(grants.length).toBeLessThanOrEqual(Math.floor(bucket.rate * elapsedS + bucket.burst) + 1);
    expect(grants.length).toBeGreaterThanOrEqual(15); // not merely blocked
    grants.sort((x, y) => x - y);
    // Every window of grants fits the bucket (slack 2 for timers that fire late and bunch up).
    for (let i = 0; i < grants.length; i += 1) {
      for (let j = i + 1; j < grants.length; j += 1) {
        expect(j - i + 1).toBeLessThanOrEqual((bucket.rate * (grants[j]! - grants[i]!)) / 1000 + bucket.burst + 2);
      }
    }
  });

  it('throws RATE_LIMIT with retry_after_s ≈ the real wait when it exceeds maxWait, without reserving', async () => {
    const limiter = limiterOn(admin, { rate: 0.25, burst: 1 });
    const key = sellerKey('createFeed');
    await limiter.acquire(key);
    const started = performance.now();
    const error = await limiter.acquire(key, { maxWaitMs: 100 }).catch((e: unknown) => e);
    expect(elapsedSince(started)).toBeLessThan(500);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({ code: 'RATE_LIMIT', retryAfterS: 4, details: { operation: 'createFeed' } });
    const next = await limiter.reserve(key, 60_000);
    expect(next.reserved).toBe(true);
    expect(next.waitMs).toBeGreaterThan(3_500);
    expect(next.waitMs).toBeLessThanOrEqual(4_000); // the refused call took nothing
  });

  it('does not slow another seller while one seller is saturated', async () => {
    const limiter = limiterOn(admin, { rate: 1, burst: 1 });
    const busy = sellerKey();
    const controller = new AbortController();
    const queued = Array.from({ length: 3 }, () => limiter.acquire(busy, { maxWaitMs: 5_000, signal: controller.signal }).catch(() => {}));
    await sleep(20);
    await expect(limiter.acquire(busy, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    const started = performance.now();
    await limiter.acquire(sellerKey());
    expect(elapsedSince(started)).toBeLessThan(500); // not queued behind the busy seller's 1 s slots
    controller.abort(new Error('test over'));
    await Promise.all(queued);
  });

  it('observeRateLimit stores a lower rate with a TTL, and the model rate clears it', async () => {
    const limiter = limiterOn(admin, { rate: 20, burst: 1 });
    const key = sellerKey();
    await limiter.observeRateLimit(key, 2);
    const pttl = await admin.pttl(learnedRateRedisKey(prefix, key));
    expect(pttl).toBeGreaterThan(3_500_000);
    expect(pttl).toBeLessThanOrEqual(3_600_000);
    await limiter.reserve(key, 0);
    const second = await limiter.reserve(key, 10_000);
    expect(second.waitMs).toBeGreaterThan(400);
    expect(second.waitMs).toBeLessThanOrEqual(500);

    await limiter.observeRateLimit(key, 25);
    expect(await admin.exists(learnedRateRedisKey(prefix, key))).toBe(0);
    const other = sellerKey();
    await limiter.reserve(other, 0);
    expect((await limiter.reserve(other, 10_000)).waitMs).toBeLessThanOrEqual(50);
  });

  it('writes the learned rate only when it changes: a success at the model rate sends nothing', async () => {
    const setter = limiterOn(admin, { rate: 20, burst: 5 });
    const reader = limiterOn(await connection(), { rate: 20, burst: 5 });
    const key = sellerKey();
    const learnedKey = learnedRateRedisKey(prefix, key);
    const monitor = await connectRedis().monitor();
    connections.push(monitor);
    const written: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === learnedKey && ['set', 'del'].includes(args[0]?.toLowerCase() ?? '')) written.push(args[0]!.toLowerCase());
    });
    await reader.reserve(key, 0);
    await reader.observeRateLimit(key, 20); // the model's rate, nothing learned: no DEL
    await setter.observeRateLimit(key, 2);
    await setter.observeRateLimit(key, 2); // Amazon repeats itself: no second SET
    await reader.reserve(key, 10_000); // sees the learned rate another instance stored…
    await reader.observeRateLimit(key, 20); // …so the model's rate clears it
    await eventually(() => written.length >= 2);
    expect(written).toEqual(['set', 'del']);
    expect(await admin.exists(learnedKey)).toBe(0);
  });

  it('penalize spends the burst: no token for a full interval', async () => {
    const limiter = limiterOn(admin, { rate: 2, burst: 5 });
    const key = sellerKey();
    expect(await limiter.penalize(key)).toBe(500);
    const refused = await limiter.reserve(key, 0);
    expect(refused.reserved).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(400);
    const after = await limiter.reserve(key, 10_000);
    const next = await limiter.reserve(key, 10_000);
    expect(next.waitMs - after.waitMs).toBeGreaterThanOrEqual(490); // burst spent: one per interval
  });

  it('an abort while waiting rejects at once with the signal reason', async () => {
    const limiter = limiterOn(admin, { rate: 0.5, burst: 1 });
    const key = sellerKey();
    await limiter.acquire(key);
    const controller = new AbortController();
    const pending = limiter.acquire(key, { signal: controller.signal });
    await sleep(50);
    const abortedAt = performance.now();
    controller.abort(new Error('caller gone'));
    await expect(pending).rejects.toThrow('caller gone');
    expect(elapsedSince(abortedAt)).toBeLessThan(250); // at once, not after the 2 s wait (bound loose for a busy CI)
  });

  it('sends the reservations of one event-loop turn as one script run, each answered as if alone', async () => {
    const { redis, limiter } = await ownLimiter({ rate: 20, burst: 2 });
    const commands = recordCommands(redis);
    const key = sellerKey();
    const other = sellerKey();
    // Three calls on `key` and two on another seller's bucket reach the quota step together.
    const keys = [key, key, key, other, other];
    const start = performance.now();
    const doneAt = await Promise.all(keys.map((k) => limiter.acquire(k).then(() => elapsedSince(start))));
    commands.restore();
    expect(commands.sent.map((c) => c.name)).toEqual(['evalsha']);
    // Burst 2 at 20/s: the third reservation on `key` waits one interval; the other seller's bucket does not.
    expect(doneAt[2]).toBeGreaterThanOrEqual(45);
    expect(Math.max(doneAt[3]!, doneAt[4]!)).toBeLessThan(doneAt[2]!);
    // Three reservations were taken from `key`: the next one waits two intervals from the start.
    await limiter.acquire(key);
    expect(elapsedSince(start)).toBeGreaterThanOrEqual(95);
  });

  it("sends the front door's counts of the same turn in that script run (one round trip for both)", async () => {
    const { redis, limiter } = await ownLimiter({ rate: 20, burst: 2 });
    const counter = new FrontDoorCounter(redis, `${prefix}front-door:`);
    const commands = recordCommands(redis);
    const key = sellerKey();
    const [counted] = await Promise.all([counter.count('bearer:same-turn', 60_000), limiter.acquire(key), limiter.acquire(key)]);
    commands.restore();
    expect(commands.sent.map((c) => c.name)).toEqual(['evalsha']);
    expect(commands.sent.map(keysSent)).toEqual([7]); // one counter, two reservations of three keys
    expect(counted.current).toBe(1);
  });

  it("lets each question of a run wait its own time: a count's short limit does not cut a reservation's short", async () => {
    const { redis, limiter } = await ownLimiter({ rate: 20, burst: 2 });
    const counter = new FrontDoorCounter(redis, `${prefix}front-door:`, 50);
    // Redis answers this run after 150 ms: past the count's 50 ms, within the reservation's 500.
    const commands = recordCommands(redis, () => 150);
    const started = performance.now();
    const [counted] = await Promise.all([
      counter.count('bearer:patient', 60_000).then((count) => ({ count, at: elapsedSince(started) })),
      limiter.acquire(sellerKey()),
    ]);
    commands.restore();
    expect(commands.sent.map((c) => c.name)).toEqual(['evalsha']);
    expect(counted.at).toBeLessThan(140); // counted here, per instance, at its own limit
    expect(limiter.degraded).toBe(false); // the reservation got Redis's answer
  });

  it("takes a call's front-door unit with its first reservation: over the limit nothing is reserved", async () => {
    const { redis, limiter } = await ownLimiter({ rate: 20, burst: 2 });
    const counter = new FrontDoorCounter(redis, `${prefix}front-door:`);
    const commands = recordCommands(redis);
    const key = sellerKey();
    const other = sellerKey();
    const token = `bearer:${sellerKey().sellingPartnerId}`;
    // The token may make 3 calls; 5 of its calls and 2 of another token's reach the quota step together.
    const calls = [
      ...Array.from({ length: 5 }, () => ({ key, unit: counter.unit(token, 3) })),
      ...Array.from({ length: 2 }, () => ({ key: other, unit: counter.unit(`${token}-other`, 3) })),
    ];
    const start = performance.now();
    const outcomes = await Promise.all(
      calls.map(({ key: k, unit }) =>
        limiter.acquire(k, { frontDoor: unit }).then(
          () => ({ ok: true, at: elapsedSince(start) }),
          (error: unknown) => ({ ok: false, code: (error as BrokerError).code, at: elapsedSince(start) }),
        ),
      ),
    );
    commands.restore();
    expect(commands.sent.map((c) => c.name)).toEqual(['evalsha']);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false, false, true, true]);
    expect(outcomes.slice(3, 5).map((o) => ('code' in o ? o.code : undefined))).toEqual(['RATE_LIMIT', 'RATE_LIMIT']);
    // Every unit was counted, once, by that run.
    expect(calls.every(({ unit }) => !unit.pending)).toBe(true);
    // Burst 2 at 20/s: the third reservation on `key` waits one interval; the other seller's bucket does not.
    expect(outcomes[2]!.at).toBeGreaterThanOrEqual(45);
    // Only three reservations were taken from `key`: the next one waits two intervals from the start.
    await limiter.acquire(key);
    expect(elapsedSince(start)).toBeGreaterThanOrEqual(95);
  });

  it('on a Redis Cluster asks each question in a script of its own: the count first, nothing reserved over the limit', async () => {
    const redis = await connection();
    // Single-key scripts run the same on one Redis: only the client's flag says Cluster.
    Object.defineProperty(redis, 'isCluster', { value: true });
    const limiter = limiterOn(redis, { rate: 20, burst: 5 });
    const counter = new FrontDoorCounter(redis, `${prefix}front-door:`);
    const token = `bearer:${sellerKey().sellingPartnerId}`;
    const key = sellerKey();
    const commands = recordCommands(redis);
    await limiter.acquire(key, { frontDoor: counter.unit(token, 1) });
    await expect(limiter.acquire(key, { frontDoor: counter.unit(token, 1) })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    await limiter.acquire(key);
    commands.restore();
    // count + reserve, count (over the limit: no reservation), reserve: one key each, or two.
    expect(commands.sent.map(keysSent)).toEqual([1, 2, 1, 2]);
    expect(limiter.degraded).toBe(false);
  });

  it("leaves the broker's client at once when its turn ends, not through ioredis's auto-pipeline a turn later", async () => {
    const client = createRedisClient(redisUrl());
    try {
      await client.connect();
      const bucketKey = `${prefix}{sp:auto}:NA:getListingsItem`;
      const reserved = RedisScripts.of(client).reserve(bucketKey, `${bucketKey}:rate`, 5, 5, 0, 500);
      await new Promise((resolve) => setImmediate(resolve)); // the batch's turn
      expect(client.autoPipelineQueueSize).toBe(0);
      expect((client as Redis).options.autoPipeliningIgnoredCommands).toContain(QUOTA_BATCH_COMMAND);
      expect((await reserved).reserved).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('holds the next batch while one is on its way, then sends everything that queued as one script run', async () => {
    const { redis, limiter } = await ownLimiter({ rate: 100, burst: 10 });
    // The first script run takes 100 ms to leave: the calls made meanwhile must wait for its answer.
    const commands = recordCommands(redis, (_command, index) => (index === 0 ? 100 : 0));
    const calls = [limiter.acquire(sellerKey())];
    for (let i = 0; i < 3; i++) {
      await sleep(20); // each in a later turn of the event loop, all while the first is on its way
      calls.push(limiter.acquire(sellerKey()));
    }
    await Promise.all(calls);
    commands.restore();
    // Three keys per call: one call, then the three that queued behind it.
    expect(commands.sent.map(keysSent)).toEqual([3, 9]);
  });

  it('splits a large batch into script runs of at most 200 calls (a run blocks Redis while it lasts)', async () => {
    const { redis, limiter } = await ownLimiter({ rate: 100, burst: 10 });
    const commands = recordCommands(redis);
    const started = performance.now();
    await Promise.all(Array.from({ length: 450 }, () => limiter.acquire(sellerKey())));
    commands.restore();
    expect(commands.sent.map(keysSent)).toEqual([600, 600, 150]);
    expect(limiter.degraded).toBe(false);
    expect(elapsedSince(started)).toBeLessThan(2_000); // every seller's first call goes at once
  });

  it('answers the calls of a batch it cannot send (from the local fallback) instead of leaving them waiting', async () => {
    const { redis, limiter } = await ownLimiter({ rate: 100, burst: 10 });
    (redis as unknown as { brokerBatch: () => never }).brokerBatch = () => {
      throw new Error('cannot send');
    };
    await limiter.acquire(sellerKey());
    expect(limiter.degraded).toBe(true);
  });

  it("counts a call's unit here when its reservation's run cannot be sent: once, and still refused over the limit", async () => {
    const { redis, limiter } = await ownLimiter({ rate: 100, burst: 10 });
    const counter = new FrontDoorCounter(redis, `${prefix}front-door:`);
    (redis as unknown as { brokerBatch: () => never }).brokerBatch = () => {
      throw new Error('cannot send');
    };
    const token = `bearer:${sellerKey().sellingPartnerId}`;
    const first = counter.unit(token, 1);
    await limiter.acquire(sellerKey(), { frontDoor: first });
    expect(first.pending).toBe(false);
    expect(limiter.degraded).toBe(true);
    // Degraded, the next call's unit counts on its own (per instance: Redis's batch is still broken).
    await expect(limiter.acquire(sellerKey(), { frontDoor: counter.unit(token, 1) })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
  });

  it('reloads its script after SCRIPT FLUSH (EVALSHA → NOSCRIPT → EVAL)', async () => {
    const limiter = limiterOn(admin, { rate: 20, burst: 2 });
    await admin.script('FLUSH');
    await limiter.acquire(sellerKey());
    expect(limiter.degraded).toBe(false);
  });
});

describe('RedisQuotaLimiter when Redis is unreachable', () => {
  it('falls back to a local limiter at rate/3 with burst 1, warns once, and never hangs', async () => {
    const dead = connectRedis('redis://127.0.0.1:1');
    connections.push(dead);
    const { log, lines } = captureLog();
    const limiter = limiterOn(dead, { rate: 30, burst: 10 }, { log });
    const key = sellerKey();
    const started = performance.now();
    await limiter.acquire(key);
    const acquiredAt = performance.now();
    expect(elapsedSince(started)).toBeLessThan(1_500);
    expect(limiter.degraded).toBe(true);
    const next = await limiter.reserve(key, 10_000);
    // 30/3 = 10 rps, no burst: the next slot is 100 ms after the first, less the time gone since
    expect(next.reserved).toBe(true);
    expect(next.waitMs).toBeLessThanOrEqual(100);
    expect(next.waitMs).toBeGreaterThanOrEqual(100 - elapsedSince(acquiredAt) - 5);
    const fast = performance.now();
    await expect(limiter.acquire(key, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    expect(elapsedSince(fast)).toBeLessThan(250); // degraded: no Redis round trip, no 500 ms timeout (bound loose for a busy CI)
    await limiter.observeRateLimit(key, 1);
    expect(await limiter.penalize(key)).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
  });

  it('times out a Redis that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    const mute = connectRedis(`redis://127.0.0.1:${port}`);
    connections.push(mute);
    const limiter = limiterOn(mute, { rate: 20, burst: 2 }, { commandTimeoutMs: 200 });
    try {
      const started = performance.now();
      await limiter.acquire(sellerKey());
      expect(elapsedSince(started)).toBeLessThan(1_000);
      expect(limiter.degraded).toBe(true);
    } finally {
      mute.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it.skipIf(redisMissing)('goes back to Redis when it answers again, even without traffic', async () => {
    const redis = await connection();
    const { log, lines } = captureLog();
    const limiter = limiterOn(redis, { rate: 20, burst: 2 }, { log, probeIntervalMs: 50 });
    await limiter.acquire(sellerKey());
    expect(limiter.degraded).toBe(false);

    redis.disconnect();
    const started = performance.now();
    await limiter.acquire(sellerKey());
    expect(elapsedSince(started)).toBeLessThan(1_000);
    expect(limiter.degraded).toBe(true);

    await redis.connect();
    await eventually(() => !limiter.degraded, 3_000);
    const key = sellerKey();
    await limiter.acquire(key);
    expect(await admin.exists(quotaRedisKey(prefix, key))).toBe(1);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(lines.some((l) => l.level === 30 && /answers again/.test(l.msg))).toBe(true);
  });
});
