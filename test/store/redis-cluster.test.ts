import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClusterUrl } from '../../src/store/redis-client.js';
import { newSeller } from '../connections/support.js';
import { buildTestApp, callCapability, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { type RedisCluster, redisClusterTools, startRedisCluster } from '../helpers/redis-cluster.js';
import { missing } from '../helpers/services.js';
import { useSimulator, useTestDatabase } from '../helpers/harness.js';

/**
 * Scale-out on Redis Cluster: two brokers on one 3-master cluster share the seller's quota, the
 * LWA refresh lock and the access-token cache, and no command crosses slots.
 */
const skipReason = missing('Postgres', { present: redisClusterTools(), needs: 'redis-server and redis-cli', how: "install Redis's server and CLI (on PATH)" });

describe('REDIS_URL=redis+cluster://…', () => {
  it('names the seed nodes, with credentials and TLS', () => {
    expect(parseClusterUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual({ nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }], tls: false });
    expect(parseClusterUrl('rediss+cluster://user:p%40ss@cache.example:6380')).toEqual({ nodes: [{ host: 'cache.example', port: 6380 }], username: 'user', password: 'p@ss', tls: true });
    expect(() => parseClusterUrl('redis+cluster://host:notaport')).toThrow(/seed node/);
  });
});

/** The access-token cache keys of a broker's prefix, from every master (KEYS runs per node on a Cluster). */
async function cachedAccessTokens(t: TestApp): Promise<string[]> {
  const masters = (t.app.services.store.redis as Cluster).nodes('master');
  const keys = await Promise.all(masters.map((node) => node.keys(`${t.config.redisKeyPrefix}lwa:access:*`)));
  return keys.flat().sort();
}

describe.skipIf(skipReason)('two brokers on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  const sim = useSimulator({ rateLimits: false });
  const database = useTestDatabase();
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    const shared = { redisUrl: cluster.url, redisKeyPrefix: `cluster:${randomSuffix()}:`, ...simulatorConfig(sim) };
    first = await buildTestApp(shared, { database, captureLogs: true });
    second = await buildTestApp({ ...shared, internalApiKey: first.config.internalApiKey, vaultKeys: first.config.vaultKeys }, { database, captureLogs: true });
  }, 120_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await cluster?.stop();
  });

  it('share one seller quota bucket', async () => {
    const key = { sellingPartnerId: `A${randomSuffix().toUpperCase()}`, region: 'NA' as const, operation: 'getOrderMetrics' as const };
    // Take tokens alternately on both instances until the burst is spent: then the bucket is empty
    // for both (the next token is ~2 s away for getOrderMetrics, beyond the 0 ms wait allowed).
    const granted = { first: 0, second: 0 };
    for (let i = 0; i < 50; i++) {
      const [name, t] = i % 2 ? (['second', second] as const) : (['first', first] as const);
      const ok = await t.app.services.quota.acquire(key, { maxWaitMs: 0 }).then(() => true, () => false);
      if (!ok) break;
      granted[name] += 1;
    }
    expect(granted.first).toBeGreaterThan(5);
    expect(granted.second).toBeGreaterThan(5);
    expect(granted.first + granted.second).toBeLessThanOrEqual(15);
    await expect(first.app.services.quota.acquire(key, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    await expect(second.app.services.quota.acquire(key, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'RATE_LIMIT' });
    expect(first.app.services.quota.degraded).toBe(false);
    expect(second.app.services.quota.degraded).toBe(false);
  });

  it('refresh the LWA token once for concurrent calls on both, then serve it from the shared cache', async () => {
    const seller = newSeller(sim);
    const buyerId = await connectBuyer(first, seller);
    const { jobToken } = await mintToken(first, { buyerId, capabilities: ['products.list'] });
    // Connecting cached an access token; drop it so the calls below race to refresh.
    const cachedTokens = await cachedAccessTokens(first);
    expect(cachedTokens.length).toBeGreaterThan(0);
    for (const key of cachedTokens) await first.app.services.store.redis!.del(key);
    const refreshesBefore = sim.stats.lwaCalls.refresh_token;
    const answers = await Promise.all([first, second, first, second, first, second].map((t) => callCapability(t.app, jobToken, 'products.list', { marketplace_id: 'ATVPDKIKX0DER' })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(200));
    expect(sim.stats.lwaCalls.refresh_token - refreshesBefore).toBe(1);
    expect(await cachedAccessTokens(second)).toEqual(cachedTokens);
  });

  it('never hits CROSSSLOT or degrades', () => {
    for (const t of [first, second]) {
      expect(t.logs.filter((line) => /CROSSSLOT|MOVED|degraded|unreachable/i.test(line))).toEqual([]);
    }
  });
});
