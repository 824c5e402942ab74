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
    const cache = new LookupCache<string>(feed, { ttlMs: 20, maxEntries: 2, staleMs: 0 });
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

  it('shares one load between concurrent misses of a key', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed);
    let calls = 0;
    let release!: () => void;
    const load = () => (calls++, new Promise<string>((resolve) => (release = () => resolve('row'))));
    const answers = Array.from({ length: 10 }, () => cache.get('k', load, () => ['t']));
    release();
    expect(await Promise.all(answers)).toEqual(Array(10).fill('row'));
    expect(calls).toBe(1);
    expect(await cache.get('k', load, () => ['t'])).toBe('row');
    expect(calls).toBe(1);
  });

  it('never hands a caller who asks after an invalidation a load started before it', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed);
    let release!: () => void;
    const before = cache.get('k', () => new Promise<string>((resolve) => (release = () => resolve('before revocation'))), () => ['token:a']);
    feed.send('token:a');
    const after = cache.get('k', async () => 'revoked', () => ['token:a']);
    release();
    expect(await before).toBe('before revocation');
    expect(await after).toBe('revoked');
    expect(await cache.get('k', async () => 'loaded again', () => ['token:a'])).toBe('revoked');
  });

  it('refreshes ahead: past its jittered refresh point an entry still serves while one background reload runs', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed, { ttlMs: 10_000, refreshAfter: [0.005, 0.75], random: () => 0 });
    let version = 0;
    let calls = 0;
    let release: (() => void) | undefined;
    const load = () => {
      calls++;
      if (calls === 1) return Promise.resolve(`v${version}`);
      return new Promise<string>((resolve) => (release = () => resolve(`v${version}`)));
    };
    expect(await cache.get('k', load, () => ['t'])).toBe('v0');
    await sleep(70); // past its refresh point (50 ms), well before its lifetime
    version = 1;
    for (let i = 0; i < 5; i++) expect(await cache.get('k', load, () => ['t'])).toBe('v0');
    expect(calls).toBe(2);
    release?.();
    await sleep(0);
    expect(await cache.get('k', load, () => ['t'])).toBe('v1');
    expect(calls).toBe(2);
  });

  it('drops a refreshing entry at once on invalidation, and keeps nothing the overtaken refresh read', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed, { ttlMs: 10_000, refreshAfter: [0.005, 0.005] });
    let state = 'active';
    const releases: (() => void)[] = [];
    const load = () => new Promise<string>((resolve) => releases.push(((seen) => () => resolve(seen))(state)));
    const first = cache.get('k', load, () => ['token:a']);
    releases.shift()?.();
    expect(await first).toBe('active');
    await sleep(70);
    expect(await cache.get('k', load, () => ['token:a'])).toBe('active'); // starts the background refresh, which read 'active'
    state = 'revoked';
    feed.send('token:a');
    const afterRevocation = cache.get('k', load, () => ['token:a']);
    expect(releases).toHaveLength(2); // a load of its own, not the refresh started before the revocation
    releases.shift()?.(); // the overtaken refresh answers 'active'
    releases.shift()?.();
    expect(await afterRevocation).toBe('revoked');
    expect(await cache.get('k', load, () => ['token:a'])).toBe('revoked');
  });

  it('spreads the refreshes of entries stored together over the refresh window', async () => {
    const feed = new ManualFeed();
    const draws = [0, 1];
    const cache = new LookupCache<string>(feed, { ttlMs: 10_000, refreshAfter: [0.004, 0.9], random: () => draws.shift() ?? 0.5 });
    const calls: string[] = [];
    const load = (key: string) => async () => (calls.push(key), key);
    await cache.get('early', load('early'), () => ['t']); // refresh point 40 ms
    await cache.get('late', load('late'), () => ['t']); // refresh point 9 s
    await sleep(80);
    await cache.get('early', load('early'), () => ['t']);
    await cache.get('late', load('late'), () => ['t']);
    await sleep(0);
    expect(calls).toEqual(['early', 'late', 'early']);
  });

  it('serves an entry expired a moment ago once while one reload runs; callers meanwhile share that reload', async () => {
    const feed = new ManualFeed();
    // Refresh point beyond the lifetime: nothing is refreshed ahead, as when no call came during the window.
    const cache = new LookupCache<string>(feed, { ttlMs: 20, staleMs: 1_000, refreshAfter: [1, 1] });
    let calls = 0;
    const releases: (() => void)[] = [];
    const load = () => (calls++, calls === 1 ? Promise.resolve('v1') : new Promise<string>((resolve) => releases.push(() => resolve(`v${calls}`))));
    expect(await cache.get('k', load, () => ['t'])).toBe('v1');
    await sleep(30); // expired, within staleMs
    const stale = cache.get('k', load, () => ['t']);
    expect(await Promise.race([stale, sleep(20).then(() => 'waited for the reload')])).toBe('v1'); // served stale
    expect(calls).toBe(2); // the reload started
    const waiting = cache.get('k', load, () => ['t']); // no second stale read: it joins the reload
    expect(calls).toBe(2);
    releases.shift()?.();
    expect(await waiting).toBe('v2');
    expect(await cache.get('k', load, () => ['t'])).toBe('v2');
    expect(calls).toBe(2);
  });

  it('never serves stale what was invalidated, nor an entry expired longer than staleMs ago', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed, { ttlMs: 20, staleMs: 40, refreshAfter: [1, 1] });
    let version = 1;
    const load = async () => `v${version}`;
    await cache.get('a', load, () => ['token:a']);
    await cache.get('b', load, () => ['token:b']);
    await sleep(30);
    version = 2;
    feed.send('token:a');
    expect(await cache.get('a', load, () => ['token:a'])).toBe('v2');
    await sleep(50); // b expired 60 ms ago
    expect(await cache.get('b', load, () => ['token:b'])).toBe('v2');
  });

  it('serves on after a failed refresh and tries again on the next read', async () => {
    const feed = new ManualFeed();
    const cache = new LookupCache<string>(feed, { ttlMs: 10_000, refreshAfter: [0.001, 0.001] }); // refresh point 10 ms
    let fail = true;
    let calls = 0;
    const load = async () => {
      calls++;
      if (calls > 1 && fail) throw new Error('Postgres is down');
      return `v${calls}`;
    };
    expect(await cache.get('k', load, () => ['t'])).toBe('v1');
    await sleep(15);
    expect(await cache.get('k', load, () => ['t'])).toBe('v1');
    await sleep(0);
    fail = false;
    expect(await cache.get('k', load, () => ['t'])).toBe('v1');
    await sleep(0);
    expect(await cache.get('k', load, () => ['t'])).toBe('v3');
    expect(calls).toBe(3);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
