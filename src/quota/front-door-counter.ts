import type { RedisClient } from '../store/redis-client.js';
import { BrokerError, isBrokerError } from '../errors.js';
import { RedisScripts, type WindowCount } from './redis-scripts.js';

/**
 * The front door's fixed-window counters: in Redis (shared by every instance) while Redis answers
 * within `timeoutMs`, else a per-instance window in memory — an outage keeps the limit (per
 * instance) and the latency, never locks callers out and never waits on reconnects. The counts go
 * with the quota's reservations, one script run per turn of the event loop (src/quota/redis-scripts.ts).
 */

export class FrontDoorCounter {
  private readonly local = new Map<string, { current: number; resetAt: number }>();
  private lastSweep = Date.now();
  private readonly scripts: RedisScripts | undefined;

  constructor(
    readonly redis: RedisClient | undefined,
    /** Prepended to every key (the deployment's Redis prefix + `front-door:`). */
    readonly nameSpace: string,
    readonly timeoutMs = 200,
  ) {
    this.scripts = redis ? RedisScripts.of(redis) : undefined;
  }

  /** Counts one request against `key`'s window. Never rejects: without Redis it counts per instance. */
  count(key: string, windowMs: number): Promise<WindowCount> {
    const { redis, scripts } = this;
    // Only a connected (or not yet lazily connected) client can answer; a reconnecting one would queue.
    if (!redis || !scripts || (redis.status !== 'ready' && redis.status !== 'wait')) return Promise.resolve(this.countLocally(key, windowMs));
    return scripts.count(this.nameSpace + key, windowMs, this.timeoutMs).catch(() => this.countLocally(key, windowMs));
  }

  /** Counts one request; over `max` in the window, throws RATE_LIMIT with the window's remaining time. */
  async admit(key: string, max: number, windowMs = 60_000): Promise<void> {
    const { current, ttl } = await this.count(key, windowMs);
    if (current > max) throw frontDoorLimited(ttl);
  }

  /** One capability call's pending count against `max` per `windowMs` (see CallQuota). */
  unit(key: string, max: number, windowMs = 60_000): FrontDoorUnit {
    return new FrontDoorUnit(this, key, max, windowMs);
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

/** What a front-door count came to: its RATE_LIMIT, or undefined under the limit (for doors that render it their own way). */
export async function limitOf(counting: Promise<void>): Promise<BrokerError | undefined> {
  try {
    await counting;
    return undefined;
  } catch (limited) {
    if (isBrokerError(limited)) return limited;
    throw limited;
  }
}

export function frontDoorLimited(ttlMs: number): BrokerError {
  const retryAfterS = Math.max(1, Math.ceil(ttlMs / 1000));
  return new BrokerError('RATE_LIMIT', `Too many requests with this credential; retry after ${retryAfterS} s`, { retryAfterS });
}

/**
 * One capability call's front-door count, taken exactly once: by the script of the call's first
 * quota reservation (`countBy`), else on its own (`count`). Over the limit both throw RATE_LIMIT.
 */
export class FrontDoorUnit {
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

  /** The counter's Redis key (the reservation script counts under it). */
  get redisKey(): string {
    return this.counter.nameSpace + this.key;
  }

  /** Takes the count from elsewhere (a reservation's script); call only while pending. */
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
