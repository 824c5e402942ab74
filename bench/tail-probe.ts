import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { closedLoop, openLoop, type Sample } from './load.js';
import { startHotPath } from './hot-path-fixture.js';

/**
 * bench/tail-probe: the broker's latency over time at a fixed open-loop rate, long enough to cross
 * the lookup caches' entry lifetime after the warm-up (PROBE_SECONDS, default 75), written with
 * every call's send time to PROBE_SAMPLES_FILE. Beside the latency, the transactions the broker's
 * database committed in each second (pg_stat_database, ~1 s resolution): unlike latency, they do
 * not depend on how busy the machine is. Diagnostic only (issue 13's tail).
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 2000);
const RATE = Number(process.env.PROBE_RATE ?? 1239);
const SECONDS = Number(process.env.PROBE_SECONDS ?? 75);
const TARGET = process.env.PROBE_TARGET ?? 'broker';
const WARMUP_SECONDS = Number(process.env.PROBE_WARMUP_SECONDS ?? 2);
const world = await startHotPath({ sellers: SELLERS, workers: process.env.BENCH_WORKERS ?? '2', brokerNodeOptions: process.env.BENCH_BROKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [] });
try {
  const url = TARGET === 'floor' ? world.floor.url : world.broker.url;
  const warmupStartedAt = Date.now();
  await closedLoop(url, world.listingsCalls, 32, WARMUP_SECONDS);
  const warmupEndedAt = Date.now();
  await world.resetQuotas();
  const stats = new pg.Client({ connectionString: world.databaseUrl });
  await stats.connect();
  const commits = async () => Number((await stats.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0].xact_commit);
  const perSecond: number[] = [];
  let last = await commits();
  const sampler = setInterval(() => {
    void commits().then((now) => {
      perSecond.push(now - last);
      last = now;
    });
  }, 1000);
  let samples: Sample[] = [];
  let startedAt = 0;
  const result = await openLoop(url, world.listingsCalls, RATE, SECONDS, (s, from) => ((samples = s), (startedAt = from)));
  clearInterval(sampler);
  await stats.end();
  if (process.env.PROBE_SAMPLES_FILE) writeFileSync(process.env.PROBE_SAMPLES_FILE, JSON.stringify({ warmupStartedAt, warmupEndedAt, [TARGET === 'floor' ? 'floor' : 'broker']: { startedAt, samples } }));
  console.log(JSON.stringify({ ...result, p99_by_second_ms: result.p99_by_second_ms?.join(' '), postgres_commits_by_second: perSecond.join(' ') }, null, 2));
} finally {
  await world.close();
}
