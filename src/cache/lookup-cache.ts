import type { InvalidationFeed } from './invalidation-feed.js';

export interface LookupCacheOptions {
  /**
   * How long an entry serves without Postgres (default 60 s): only a backstop, since changes arrive
   * as notifications and the caches are bypassed while the channel is down. Shorter would make
   * thousands of job tokens, each called every few seconds, miss most of the time.
   */
  ttlMs?: number;
  maxEntries?: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: string[];
}

/**
 * A short-lived in-process cache of rows read on every call (job tokens with their order,
 * connections), dropped by tag when the invalidation feed hears a change (`token:<hash>`,
 * `order:<id>`, `buyer:<id>`) and flushed whenever the feed goes down or comes back.
 * Without a live feed it only passes loads through: it never serves what it cannot invalidate.
 * A load that overlaps an invalidation is answered but not kept (it may predate the change).
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Bumped by every invalidation: a load that saw it change does not store its result. */
  private generation = 0;

  constructor(
    private readonly feed: InvalidationFeed | undefined,
    options: LookupCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 20_000;
    feed?.subscribe((tag) => (tag === null ? this.clear() : this.invalidate(tag)));
  }

  get size() {
    return this.entries.size;
  }

  /** The cached value under `key`, else `load()`'s, kept under `tagsOf(value)` while the feed is live (undefined tags: not kept). */
  async get(key: string, load: () => Promise<V>, tagsOf: (value: V) => string[] | undefined): Promise<V> {
    const live = this.feed?.live === true;
    if (live) {
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > Date.now()) return entry.value;
      if (entry) this.remove(key, entry);
    }
    const generation = this.generation;
    const value = await load();
    const tags = tagsOf(value);
    if (tags && live && this.feed?.live && generation === this.generation) this.put(key, value, tags);
    return value;
  }

  invalidate(tag: string) {
    this.generation += 1;
    const keys = this.byTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) {
      const entry = this.entries.get(key);
      if (entry) this.remove(key, entry);
    }
  }

  clear() {
    this.generation += 1;
    this.entries.clear();
    this.byTag.clear();
  }

  private put(key: string, value: V, tags: string[]) {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, { value, tags, expiresAt: Date.now() + this.ttlMs });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.maxEntries) {
      // Oldest insertion first; expired entries go first in practice since the TTL is fixed.
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry<V>];
      this.remove(oldestKey, oldest);
    }
  }

  private remove(key: string, entry: Entry<V>) {
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
