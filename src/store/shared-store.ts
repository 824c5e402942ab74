import { createRedisClient, type RedisClient } from './redis-client.js';

/**
 * The small key-value surface the broker shares between instances: locks, the encrypted
 * access-token cache, report reuse. Redis when REDIS_URL is set; an in-process map otherwise
 * (one instance only — the README says so).
 */
export interface SharedStore {
  readonly kind: 'redis' | 'memory';
  /** The Redis connection, for Lua scripts (quota) and @fastify/rate-limit; undefined in memory mode. */
  readonly redis?: RedisClient;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX PX: true when this caller now owns the key. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only while it still holds `value` (lock release by its owner). */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisStore implements SharedStore {
  readonly kind = 'redis' as const;
  readonly redis: RedisClient;

  constructor(url: string, readonly prefix: string) {
    this.redis = createRedisClient(url);
    this.redis.defineCommand('compareAndDelete', { numberOfKeys: 1, lua: COMPARE_AND_DELETE });
  }

  async connect(): Promise<void> {
    await this.redis.connect();
  }

  key(key: string) {
    return this.prefix + key;
  }

  get(key: string) {
    return this.redis.get(this.key(key));
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async deleteIfEquals(key: string, value: string) {
    const deleted = (await (this.redis as RedisClient & { compareAndDelete(k: string, v: string): Promise<number> }).compareAndDelete(
      this.key(key),
      value,
    )) as number;
    return deleted === 1;
  }

  async del(key: string) {
    await this.redis.del(this.key(key));
  }

  async ping() {
    await this.redis.ping();
  }

  async close() {
    this.redis.disconnect();
  }
}

export interface MemoryStoreOptions {
  /** How often expired entries are swept (entries are also dropped when read after expiry). */
  sweepIntervalMs?: number;
  /** Beyond this many entries the oldest are dropped: a bounded cache, never a leak. */
  maxEntries?: number;
}

export class MemoryStore implements SharedStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  get size() {
    return this.entries.size;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string, ttlMs: number) {
    // Re-inserting moves the key to the end, so the Map's order is oldest write first.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    if (this.entries.size > this.maxEntries) this.sweep();
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number) {
    this.put(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    this.put(key, value, ttlMs);
    return true;
  }

  async deleteIfEquals(key: string, value: string) {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async del(key: string) {
    this.entries.delete(key);
  }

  async ping() {}

  async close() {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}

/**
 * Redis down at boot is not fatal: the store keeps reconnecting in the background, /readyz answers
 * 503 and the quota limiter serves from its local fallback until Redis answers again.
 */
export async function createSharedStore(
  redisUrl: string | undefined,
  prefix: string,
  onUnavailable?: (error: unknown) => void,
): Promise<SharedStore> {
  if (!redisUrl) return new MemoryStore();
  const store = new RedisStore(redisUrl, prefix);
  await store.connect().catch((error: unknown) => onUnavailable?.(error));
  return store;
}
