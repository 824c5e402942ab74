import type { InvalidationFeed } from './invalidation-feed.js';

const DEFAULT_TTL_MS = 5 * 60_000;

/** peek()'s answer when the value is not in memory (a cached value may itself be undefined or null). */
export const MISS: unique symbol = Symbol('lookup-cache miss');

export interface LookupCacheOptions {
  /**
   * How long an entry serves without Postgres (default 5 min): only a backstop, since changes arrive
   * as notifications and the caches are bypassed while the channel is down. Each key in use is
   * reloaded once per lifetime, so a short one costs Postgres a reload per busy key every lifetime
   * (with 60 s, as much Postgres CPU per call as the audit: bench/README.md).
   */
  ttlMs?: number;
  maxEntries?: number;
  /**
   * Refresh ahead: an entry read after a point drawn at random between these fractions of its
   * lifetime (default 0.5 to 0.9) is still served, and one reload starts in the background. So a
   * key in use never misses, and entries stored together (a warm-up, a flush) are not all reloaded
   * together either. The lifetime bound (ttlMs) is unchanged.
   */
  refreshAfter?: readonly [from: number, to: number];
  /**
   * Serve stale (default ttlMs): an entry read within this long after it expired is served once
   * more while one reload runs in the background, instead of making the call wait for Postgres.
   * Entries stored together (a warm-up, tokens minted in a batch) and not read during their
   * refresh window, e.g. while traffic paused, otherwise all expired together and the first calls
   * after the pause each waited for their own reload. Nothing invalidated is ever served: an
   * invalidation removes the entry, and the whole cache is flushed whenever the feed goes down.
   */
  staleMs?: number;
  /** Source of the refresh points' jitter (tests). */
  random?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  /** From then on, a read also starts a background reload (once). */
  refreshAt: number;
  refreshing: boolean;
  tags: string[];
}

interface Flight<V> {
  /** The generation the load started in: only callers of that same generation may share it. */
  generation: number;
  promise: Promise<V>;
}

/**
 * A short-lived in-process cache of rows read on every call (job tokens with their order,
 * connections), dropped by tag when the invalidation feed hears a change (`token:<hash>`,
 * `order:<id>`, `buyer:<id>`) and flushed whenever the feed goes down or comes back.
 * Without a live feed it only passes loads through: it never serves what it cannot invalidate.
 * A load that overlaps an invalidation is answered but not kept (it may predate the change).
 *
 * Postgres sees one load per key at a time: concurrent misses share it (single flight), an entry
 * is reloaded in the background shortly before it expires (refresh ahead, at a jittered point)
 * while it keeps serving, and one read just after it expired still gets it while it reloads. None
 * of these ever hands out something older than an invalidation the caller could know of: a load
 * started before an invalidation is not shared with anyone asking after it, and its result is not
 * kept.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, Flight<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly refreshFrom: number;
  private readonly refreshSpan: number;
  private readonly staleMs: number;
  private readonly random: () => number;
  /** Bumped by every invalidation: a load that saw it change does not store its result. */
  private generation = 0;

  constructor(
    private readonly feed: InvalidationFeed | undefined,
    options: LookupCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxEntries = options.maxEntries ?? 20_000;
    const [from, to] = options.refreshAfter ?? [0.5, 0.9];
    if (!(from >= 0 && from <= to && to <= 1)) throw new Error(`refreshAfter must be 0 <= from <= to <= 1, got ${from}, ${to}`);
    this.refreshFrom = from;
    this.refreshSpan = to - from;
    this.staleMs = options.staleMs ?? this.ttlMs;
    this.random = options.random ?? Math.random;
    feed?.subscribe((tag) => (tag === null ? this.clear() : this.invalidate(tag)));
  }

  get size() {
    return this.entries.size;
  }

  /** The cached value under `key`, else `load()`'s, kept under `tagsOf(value)` while the feed is live (undefined tags: not kept). */
  async get(key: string, load: () => Promise<V>, tagsOf: (value: V) => string[] | undefined): Promise<V> {
    if (this.feed?.live !== true) return load();
    const hit = this.peek(key, load, tagsOf);
    if (hit !== MISS) return hit;
    const flight = this.inflight.get(key);
    if (flight && flight.generation === this.generation) return flight.promise;
    return this.load(key, load, tagsOf);
  }

  /**
   * What get() would serve from memory right now, synchronously (a background reload started just
   * as get() starts one), or MISS when get() would have to wait: a hit needs no promise.
   */
  peek(key: string, load: () => Promise<V>, tagsOf: (value: V) => string[] | undefined): V | typeof MISS {
    if (this.feed?.live !== true) return MISS;
    const entry = this.entries.get(key);
    if (!entry) return MISS;
    const now = Date.now();
    if (entry.expiresAt > now) {
      if (entry.refreshAt <= now && !entry.refreshing) this.refresh(key, entry, load, tagsOf);
      return entry.value;
    }
    // Expired a moment ago: a reload not yet started starts now, and this read keeps the value.
    if (entry.expiresAt + this.staleMs > now && !entry.refreshing) {
      this.refresh(key, entry, load, tagsOf);
      return entry.value;
    }
    this.remove(key, entry);
    return MISS;
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

  /** One load of `key`, shared with whoever misses it meanwhile in the same generation; kept if no invalidation overtook it. */
  private load(key: string, load: () => Promise<V>, tagsOf: (value: V) => string[] | undefined): Promise<V> {
    const generation = this.generation;
    const promise = (async () => {
      const value = await load();
      const tags = tagsOf(value);
      if (tags && this.feed?.live && generation === this.generation) this.put(key, value, tags);
      return value;
    })();
    this.inflight.set(key, { generation, promise });
    const done = () => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  /**
   * Reloads a still valid entry in the background. If the result was not kept (it failed, or an
   * invalidation overtook it) the entry serves on until it expires and the next read tries again.
   */
  private refresh(key: string, entry: Entry<V>, load: () => Promise<V>, tagsOf: (value: V) => string[] | undefined) {
    entry.refreshing = true;
    const flight = this.inflight.get(key);
    const reload = flight && flight.generation === this.generation ? flight.promise : this.load(key, load, tagsOf);
    const settled = () => {
      if (this.entries.get(key) === entry) entry.refreshing = false;
    };
    reload.then(settled, settled);
  }

  private put(key: string, value: V, tags: string[]) {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    const now = Date.now();
    const refreshAt = now + this.ttlMs * (this.refreshFrom + this.refreshSpan * this.random());
    this.entries.set(key, { value, tags, expiresAt: now + this.ttlMs, refreshAt, refreshing: false });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.maxEntries) {
      // Oldest insertion first (a refresh reinserts): expired entries go first in practice since the TTL is fixed.
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
