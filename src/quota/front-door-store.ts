import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import type { RedisClient } from '../store/redis-client.js';

/** Fixed-window counter, the same as @fastify/rate-limit's own Redis store (without its back-off options). */
const INCR_LUA = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

type CounterRedis = RedisClient & { brokerFrontDoorIncr(key: string, windowMs: number): Promise<[number, number]> };
type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * The front door's counter store: in Redis (shared by every instance) while Redis answers within
 * `timeoutMs`, else a per-instance window in memory. @fastify/rate-limit's built-in Redis store
 * would make every request wait for ioredis's reconnect attempts (seconds) during an outage, and
 * `skipOnError` alone would drop the limit; this keeps the limit (per instance) and the latency.
 */
export class FrontDoorStore implements FastifyRateLimitStore {
  private readonly local = new Map<string, { current: number; resetAt: number }>();
  private lastSweep = Date.now();

  constructor(
    private readonly redis: RedisClient | undefined,
    private readonly nameSpace: string,
    private readonly timeoutMs = 200,
  ) {
    redis?.defineCommand('brokerFrontDoorIncr', { numberOfKeys: 1, lua: INCR_LUA });
  }

  /** The constructor @fastify/rate-limit's `store` option wants (it calls `new Store(params)`). */
  static using(redis: RedisClient | undefined, nameSpace: string, timeoutMs?: number) {
    return class extends FrontDoorStore {
      constructor() {
        super(redis, nameSpace, timeoutMs);
      }
    };
  }

  incr(key: string, callback: Callback, timeWindow?: number): void {
    const windowMs = timeWindow ?? 60_000;
    const redis = this.redis as CounterRedis | undefined;
    // Only a connected (or not yet lazily connected) client can answer; a reconnecting one would queue.
    if (!redis || (redis.status !== 'ready' && redis.status !== 'wait')) return callback(null, this.localIncr(key, windowMs));
    let settled = false;
    const fallback = () => {
      if (settled) return;
      settled = true;
      callback(null, this.localIncr(key, windowMs));
    };
    const timer = setTimeout(fallback, this.timeoutMs);
    redis.brokerFrontDoorIncr(this.nameSpace + key, windowMs).then(
      ([current, ttl]) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        callback(null, { current: Number(current), ttl: Number(ttl) });
      },
      () => {
        clearTimeout(timer);
        fallback();
      },
    );
  }

  /** A route with its own `config.rateLimit` counts apart (the plugin passes its merged params, routeInfo included). */
  child(routeOptions: RouteOptions & { path: string; prefix: string }): FastifyRateLimitStore {
    const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
    return new FrontDoorStore(this.redis, `${this.nameSpace}${String(route.method ?? '')}${route.url ?? ''}-`, this.timeoutMs);
  }

  private localIncr(key: string, windowMs: number) {
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
