import type { RedisClient } from '../store/redis-client.js';
import { BrokerError } from '../errors.js';

/**
 * The front door's fixed-window counters: in Redis (shared by every instance) while Redis answers
 * within `timeoutMs`, else a per-instance window in memory — an outage keeps the limit (per
 * instance) and the latency, never locks callers out and never waits on reconnects.
 *
 * Capability calls count at their quota step instead of a round trip of their own: a
 * FrontDoorTicket rides along with the call's first quota reservation, and the quota script counts
 * it in the same Redis round trip (src/quota/redis-limiter.ts). A call that takes no quota counts
 * the ticket on its own before it answers.
 */

/** Lua: `frontDoor(key, windowMs)` → {count, ttlMs}, the same window as @fastify/rate-limit's Redis store. */
export const FRONT_DOOR_LUA_FUNCTION = `
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

const COUNT_LUA = `${FRONT_DOOR_LUA_FUNCTION}return frontDoor(KEYS[1], ARGV[1])`;

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

type CounterRedis = RedisClient & { brokerFrontDoorCount(key: string, windowMs: number): Promise<[number, number]> };

export class FrontDoorCounter {
  private readonly local = new Map<string, { current: number; resetAt: number }>();
  private lastSweep = Date.now();

  constructor(
    readonly redis: RedisClient | undefined,
    /** Prepended to every key (the deployment's Redis prefix + `front-door:`). */
    readonly nameSpace: string,
    readonly timeoutMs = 200,
  ) {
    redis?.defineCommand('brokerFrontDoorCount', { numberOfKeys: 1, lua: COUNT_LUA });
  }

  /** The Redis key of a counter (the quota script counts tickets under the same key). */
  redisKey(key: string) {
    return this.nameSpace + key;
  }

  count(key: string, windowMs: number): Promise<WindowCount> {
    const redis = this.redis as CounterRedis | undefined;
    // Only a connected (or not yet lazily connected) client can answer; a reconnecting one would queue.
    if (!redis || (redis.status !== 'ready' && redis.status !== 'wait')) return Promise.resolve(this.countLocally(key, windowMs));
    return new Promise((resolve) => {
      let settled = false;
      const fallback = () => {
        if (settled) return;
        settled = true;
        resolve(this.countLocally(key, windowMs));
      };
      const timer = setTimeout(fallback, this.timeoutMs);
      redis.brokerFrontDoorCount(this.redisKey(key), windowMs).then(
        ([current, ttl]) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({ current: Number(current), ttl: Number(ttl) });
        },
        () => {
          clearTimeout(timer);
          fallback();
        },
      );
    });
  }

  /** One capability call's pending count against `max` per `windowMs`. */
  ticket(key: string, max: number, windowMs = 60_000): FrontDoorTicket {
    return new FrontDoorTicket(this, key, max, windowMs);
  }

  countLocally(key: string, windowMs: number): WindowCount {
    const now = Date.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [k, entry] of this.local) if (entry.resetAt <= now) this.local.delete(k);
    }
    let entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { current: 0, resetAt: now + windowMs };
      this.local.set(key, entry);
    }
    entry.current += 1;
    return { current: entry.current, ttl: entry.resetAt - now };
  }
}

export function frontDoorLimited(ttlMs: number): BrokerError {
  const retryAfterS = Math.max(1, Math.ceil(ttlMs / 1000));
  return new BrokerError('RATE_LIMIT', `Too many requests with this credential; retry after ${retryAfterS} s`, { retryAfterS });
}

/**
 * A request's front-door count, taken exactly once: by the quota script of the call's first
 * reservation (`countBy`), else on its own (`count`). Over the limit, both throw RATE_LIMIT.
 */
export class FrontDoorTicket {
  private counted: Promise<WindowCount> | undefined;

  constructor(
    readonly counter: FrontDoorCounter,
    readonly key: string,
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Not counted yet, nor being counted. */
  get pending(): boolean {
    return this.counted === undefined;
  }

  /** Takes the count from elsewhere (the quota script); call only while pending. */
  countBy(source: Promise<WindowCount>): Promise<void> {
    this.counted = source;
    return this.count();
  }

  /** Counts now unless counted (or being counted) already; throws RATE_LIMIT over the limit. */
  async count(): Promise<void> {
    this.counted ??= this.counter.count(this.key, this.windowMs);
    const { current, ttl } = await this.counted;
    if (current > this.max) throw frontDoorLimited(ttl);
  }
}
