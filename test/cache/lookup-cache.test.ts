import { describe, expect, it } from 'vitest';
import type { InvalidationFeed } from '../../src/cache/invalidation-feed.js';
import { LookupCache } from '../../src/cache/lookup-cache.js';

/** A feed driven by the test: the cache's contract with any channel (Postgres's is tested in invalidation.test.ts). */
class ManualFeed implements InvalidationFeed {
  live = true;
  private listener: ((key: string | null) => void) | undefined;
  subscribe(listener: (key: string | null) => void) {
    this.listener = listener;
  }
  send(key: string | null) {
    this.listener?.(key);
  }
  async barrier() {}
  async close() {}
}

function counting(value: string) {
  const loader = { calls: 0, load: async () => (loader.calls++, value) };
  return loader;
}

describe('LookupCache', () => {
  it('serves from memory until a tag of the entry is invalidated', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed);
    const loader = counting('row');
    for (let i = 0; i < 3; i++) expect(await cache.get('k', loader.load, () => ['token:a', 'order:1'])).toBe('row');
    expect(loader.calls).toBe(1);
    feed.send('order:2');
    await cache.get('k', loader.load, () => ['token:a', 'order:1']);
    expect(loader.calls).toBe(1);
    feed.send('order:1');
    await cache.get('k', loader.load, () => ['token:a', 'order:1']);
    expect(loader.calls).toBe(2);
  });

  it('passes every lookup through while the feed is down, and keeps nothing from then', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed);
    const loader = counting('row');
    feed.live = false;
    await cache.get('k', loader.load, () => ['t']);
    await cache.get('k', loader.load, () => ['t']);
    expect(loader.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('answers but does not keep a load that an invalidation overtook (it may predate the change)', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed);
    let release!: () => void;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = () => resolve('old'))), () => ['t']);
    feed.send('t');
    release();
    expect(await slow).toBe('old');
    expect(cache.size).toBe(0);
  });

  it('expires entries after the TTL, never keeps untagged values, and stays within maxEntries', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed, { ttlMs: 20, maxEntries: 2 });
    const loader = counting('row');
    await cache.get('k', loader.load, () => ['t']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await cache.get('k', loader.load, () => ['t']);
    expect(loader.calls).toBe(2);
    await cache.get('none', loader.load, () => undefined);
    await cache.get('a', loader.load, () => ['t']);
    await cache.get('b', loader.load, () => ['t']);
    expect(cache.size).toBe(2);
    feed.send(null);
    expect(cache.size).toBe(0);
  });
});
