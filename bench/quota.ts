import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeSeller, SEED } from '../src/simulator/seed.js';
import { RATE_LIMITS, startSimulator } from '../src/simulator/index.js';
import { brokerEnv, createBenchDatabase, percentile, postJson, REDIS_URL, startBrokerProcess, type BrokerProcess } from './support.js';

/**
 * bench/quota (issue 7): three broker processes sharing Postgres and Redis, the simulator enforcing
 * Amazon's quotas, one seller's getListingsItem hammered for 15 s by many callers and a second
 * seller calling beside it. Prints the share of Amazon's allowed rate that was accepted, upstream
 * 429s, RATE_LIMIT answers, LWA refreshes and the second seller's latency.
 */
const DURATION_MS = Number(process.env.BENCH_QUOTA_SECONDS ?? 15) * 1000;
const HOT_CALLERS = Number(process.env.BENCH_QUOTA_CALLERS ?? 36);
const BROKERS = 3;
const SECOND = { sellingPartnerId: 'A9BENCHSECOND01', refreshToken: 'Atzr|bench-second', marketplaceIds: [SEED.marketplaces.US] };

export async function runQuotaBench() {
  const sim = await startSimulator({});
  sim.addSeller(SECOND);
  const hotSku = SEED.sellers.NA.skus[0] as string;
  const secondSku = describeSeller(SECOND).skus[0] as string;
  const database = await createBenchDatabase();
  const internalKey = `bench-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = { ...brokerEnv(sim, database.url, internalKey), QUOTA_MAX_WAIT_MS: '3000' };
  const prefix = env.REDIS_KEY_PREFIX as string;
  const internal = { authorization: `Bearer ${internalKey}` };
  const brokers: BrokerProcess[] = [];
  try {
    // One broker migrates and imports both sellers' connections, then goes away with its caches.
    const setup = await startBrokerProcess(env);
    const tokens: Record<string, string> = {};
    for (const [buyer, seller, refreshToken] of [
      ['buyer-hot', SEED.sellers.NA.sellingPartnerId, 'Atzr|sandbox-na'],
      ['buyer-second', SECOND.sellingPartnerId, SECOND.refreshToken],
    ] as const) {
      const imported = await postJson(`${setup.url}/internal/buyers/${buyer}/amazon/connections`, { selling_partner_id: seller, refresh_token: refreshToken, region: 'NA' }, internal);
      if (imported.status !== 201) throw new Error(`import failed: ${JSON.stringify(imported.body)}`);
      const minted = await postJson(`${setup.url}/internal/job-tokens`, { order_id: `order-${buyer}`, buyer_id: buyer, tool_id: 'bench', capabilities: ['listings.get'] }, internal);
      tokens[buyer] = (minted.body.data as { job_token: string }).job_token;
    }
    await setup.stop();
    await flushPrefix(prefix); // cold start: no shared access token, full buckets
    for (let i = 0; i < BROKERS; i++) brokers.push(await startBrokerProcess({ ...env, MIGRATE_ON_START: 'false' }));
    // The second seller is warm (its token refreshed once before); the hot seller starts cold.
    await postJson(`${brokers[1]?.url}/api/capabilities`, { capability: 'listings.get', provider: 'amazon', params: { sku: secondSku } }, { authorization: `Bearer ${tokens['buyer-second']}` });
    sim.stats.reset();

    const started = Date.now();
    const stopAt = started + DURATION_MS;
    const counts = { ok: 0, rateLimit: 0, other: 0 };
    const second = { ok: 0, errors: 0, latencies: [] as number[] };
    const call = (broker: BrokerProcess, token: string, sku: string) =>
      postJson(`${broker.url}/api/capabilities`, { capability: 'listings.get', provider: 'amazon', params: { sku } }, { authorization: `Bearer ${token}` });

    const hot = Array.from({ length: HOT_CALLERS }, async (_, i) => {
      const broker = brokers[i % BROKERS] as BrokerProcess;
      while (Date.now() < stopAt) {
        const response = await call(broker, tokens['buyer-hot'] as string, hotSku);
        if (response.status === 200) counts.ok++;
        else if (response.status === 429) {
          counts.rateLimit++;
          const retryAfter = Number((response.body.error as { retry_after_s?: number }).retry_after_s ?? 1);
          await new Promise((r) => setTimeout(r, Math.min(retryAfter * 1000, Math.max(0, stopAt - Date.now()))));
        } else counts.other++;
      }
    });
    const quiet = Array.from({ length: 2 }, async (_, i) => {
      const broker = brokers[(i + 1) % BROKERS] as BrokerProcess;
      while (Date.now() < stopAt) {
        const t0 = performance.now();
        const response = await call(broker, tokens['buyer-second'] as string, secondSku);
        second.latencies.push(performance.now() - t0);
        if (response.status === 200) second.ok++;
        else second.errors++;
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    // Amazon's acceptances inside the window, read at its end (callers still queued finish later).
    const window = new Promise<{ accepted: number; throttled: number }>((resolve) =>
      setTimeout(() => {
        const perOp = sim.stats.bySeller[SEED.sellers.NA.sellingPartnerId]?.getListingsItem ?? { accepted: 0, throttled: 0 };
        resolve({ ...perOp });
      }, DURATION_MS),
    );
    const inWindow = await window;
    await Promise.all([...hot, ...quiet]);
    const total = sim.stats.bySeller[SEED.sellers.NA.sellingPartnerId]?.getListingsItem ?? { accepted: 0, throttled: 0 };
    const secondStats = sim.stats.bySeller[SECOND.sellingPartnerId]?.getListingsItem ?? { accepted: 0, throttled: 0 };
    const { rate, burst } = RATE_LIMITS.getListingsItem!; // what Amazon allows (its rate-limit page: burst 5)
    const allowed = burst + rate * (DURATION_MS / 1000);
    second.latencies.sort((a, b) => a - b);
    return {
      brokers: BROKERS,
      hot_callers: HOT_CALLERS,
      seconds: DURATION_MS / 1000,
      amazon_allowed_in_window: allowed,
      amazon_accepted_in_window: inWindow.accepted,
      share_of_allowed_rate: +(inWindow.accepted / allowed).toFixed(3),
      upstream_429: total.throttled + secondStats.throttled,
      broker_rate_limit_answers: counts.rateLimit,
      hot_ok: counts.ok,
      hot_other_errors: counts.other,
      lwa_refreshes: sim.stats.lwaCalls.refresh_token,
      second_seller: {
        ok: second.ok,
        errors: second.errors,
        upstream_429: secondStats.throttled,
        p50_ms: +percentile(second.latencies, 50).toFixed(1),
        p99_ms: +percentile(second.latencies, 99).toFixed(1),
      },
    };
  } finally {
    await Promise.all(brokers.map((b) => b.stop()));
    await sim.close();
    await database.drop();
    await flushPrefix(prefix);
  }
}

async function flushPrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runQuotaBench();
  console.log(JSON.stringify(result, null, 2));
}
