import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SEED, startSimulator } from '../src/simulator/index.js';
import { brokerEnv, createBenchDatabase, percentile, postJson, startBrokerProcess, treeRss } from './support.js';

/**
 * bench/cold-start: a new broker instance joining a running deployment (database migrated, a
 * seller connected): from spawn to /readyz 200, then its first listings.get (empty caches, no
 * access token in memory: read from the shared store) and its resident memory once idle.
 * BENCH_COLD_RUNS starts (median printed), the compiled broker as production runs it.
 */
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);

export async function runColdStartBench() {
  if (spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm run build failed');
  const sim = await startSimulator({});
  const database = await createBenchDatabase();
  const internalKey = `bench-${randomBytes(16).toString('hex')}`;
  const env = brokerEnv(sim, database.url, internalKey);
  const internal = { authorization: `Bearer ${internalKey}` };
  try {
    // The deployment as it stands: migrated, one seller connected, a job token minted.
    const setup = await startBrokerProcess(env, { compiled: true });
    await postJson(`${setup.url}/internal/buyers/buyer-cold/amazon/connections`, { selling_partner_id: SEED.sellers.NA.sellingPartnerId, refresh_token: SEED.sellers.NA.refreshToken, region: 'NA' }, internal);
    const minted = await postJson(`${setup.url}/internal/job-tokens`, { order_id: 'order-cold', buyer_id: 'buyer-cold', tool_id: 'bench', capabilities: ['listings.get'] }, internal);
    const token = (minted.body.data as { job_token: string }).job_token;
    await setup.stop();

    const ready: number[] = [];
    const firstCall: number[] = [];
    const rss: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const spawned = performance.now();
      const broker = await startBrokerProcess(env, { compiled: true });
      ready.push(performance.now() - spawned);
      const t0 = performance.now();
      const answer = await postJson(`${broker.url}/api/capabilities`, { capability: 'listings.get', provider: 'amazon', params: { sku: SEED.sellers.NA.skus[0] } }, { authorization: `Bearer ${token}` });
      firstCall.push(performance.now() - t0);
      if (answer.status !== 200) throw new Error(`first call answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.push(treeRss(broker.child.pid as number));
      await broker.stop();
    }
    const median = (values: number[]) => Math.round(percentile([...values].sort((a, b) => a - b), 50));
    return {
      runs: RUNS,
      spawn_to_ready_ms: median(ready),
      first_listings_get_ms: median(firstCall),
      idle_rss_mb: Math.round(median(rss) / 1048576),
    };
  } finally {
    await sim.close();
    await database.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runColdStartBench(), null, 2));
}
