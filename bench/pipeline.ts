import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startSimulator } from '../src/simulator/index.js';
import { brokerEnv, createBenchDatabase, percentile, postJson, startBrokerProcess } from './support.js';

/**
 * bench/pipeline: the broker's own cost per capability call. One broker process (Postgres + Redis),
 * `connect.status` (participations cached after the first call, so Amazon is out of the loop):
 * token lookup, order, grant, params, connection, audit write. Prints throughput, latency and RSS.
 */
const DURATION_MS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 10) * 1000;
const CONCURRENCY = Number(process.env.BENCH_PIPELINE_CONCURRENCY ?? 32);

async function rssOf(url: string): Promise<number> {
  const response = await request(`${url}/metrics`);
  const text = await response.body.text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes'));
  return line ? Number(line.split(' ')[1]) : NaN;
}

export async function runPipelineBench() {
  const sim = await startSimulator({});
  const database = await createBenchDatabase();
  const internalKey = `bench-${randomBytes(16).toString('hex')}`;
  const broker = await startBrokerProcess(brokerEnv(sim, database.url, internalKey));
  try {
    const internal = { authorization: `Bearer ${internalKey}` };
    const imported = await postJson(`${broker.url}/internal/buyers/buyer-1/amazon/connections`, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'NA' }, internal);
    if (imported.status !== 201) throw new Error(`import failed: ${JSON.stringify(imported.body)}`);
    const minted = await postJson(`${broker.url}/internal/job-tokens`, { order_id: 'order-1', buyer_id: 'buyer-1', tool_id: 'bench', capabilities: ['connect.status'] }, internal);
    const token = (minted.body.data as { job_token: string }).job_token;
    const body = { capability: 'connect.status', provider: 'amazon', params: {} };
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 200; i++) await postJson(`${broker.url}/api/capabilities`, body, auth); // warm-up
    const rssBefore = await rssOf(broker.url);

    const latencies: number[] = [];
    let errors = 0;
    const stopAt = Date.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < stopAt) {
          const t0 = performance.now();
          const response = await postJson(`${broker.url}/api/capabilities`, body, auth);
          latencies.push(performance.now() - t0);
          if (response.status !== 200) errors++;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      seconds: DURATION_MS / 1000,
      concurrency: CONCURRENCY,
      requests: latencies.length,
      errors,
      requests_per_second: Math.round(latencies.length / (DURATION_MS / 1000)),
      p50_ms: +percentile(latencies, 50).toFixed(2),
      p99_ms: +percentile(latencies, 99).toFixed(2),
      rss_mb_before: Math.round(rssBefore / 1048576),
      rss_mb_after: Math.round((await rssOf(broker.url)) / 1048576),
      amazon_calls: sim.stats.calls.getMarketplaceParticipations ?? 0,
    };
  } finally {
    await broker.stop();
    await sim.close();
    await database.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runPipelineBench(), null, 2));
}
