import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { closedLoop, openLoop, type Call, type LoadResult, type Sample } from './load.js';
import { startHotPath } from './hot-path-fixture.js';
import { treeMemory } from './support.js';

/**
 * bench/hot-path (issue 13): the broker's own cost per call against a bare floor, in one process
 * tree — the simulator (Amazon's quotas on) in its own process, the floor (bench/floor.ts), the
 * broker (started as `npm start` starts it; BENCH_WORKERS lists the worker counts to measure, each in
 * a fresh process tree: default 1 and 2) and this process generating load with BENCH_CONNECTIONS
 * connections, rotating through the job tokens of BENCH_SELLERS connected sellers (enough that no
 * seller's 5 rps getListingsItem quota binds). Rounds alternate floor → broker listings.get →
 * broker connect.status (participations cached), so a busy machine weighs on all three alike.
 * Then, at half the broker's measured listings.get throughput, each target's latency open-loop
 * (after an uncounted lead-in at that rate: LEAD_IN_SECONDS), with
 * the p99 of each second's calls, so a tail can be placed in time.
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
/** The broker's worker counts to measure, each in its own process tree: one process, and one per core. */
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map((n) => n.trim());
/**
 * The open loops' uncounted lead-in at the same rate: it opens the generator's connections, and it
 * lets the broker re-warm after the connect.status round and the floor's run (16 s without a
 * listings.get: V8 recompiles that path, and its first second at half load ran at p99 85-650 ms;
 * bench/idle-probe.ts shows it). The latency measured is the steady state's.
 */
const LEAD_IN_SECONDS = 3;
/** A file to write every open-loop call to (send time, latency, status), with the warm-up's time, to place a tail in time. */
const SAMPLES_FILE = process.env.BENCH_SAMPLES_FILE;
/** Extra node options for the broker processes (e.g. `--import ./bench/gc-trace.mjs`), space-separated. */
const BROKER_NODE_OPTIONS = process.env.BENCH_BROKER_NODE_OPTIONS?.split(' ').filter(Boolean);

type Target = 'floor' | 'broker_listings_get' | 'broker_connect_status';

export async function runHotPathBench() {
  const runs = [];
  for (const workers of WORKER_COUNTS) runs.push(await measure(workers));
  return { machine: `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`, sellers: SELLERS, connections: CONNECTIONS, rounds: ROUNDS, round_seconds: ROUND_SECONDS, runs };
}

async function measure(workers: string) {
  const world = await startHotPath({ sellers: SELLERS, workers, ...(BROKER_NODE_OPTIONS ? { brokerNodeOptions: BROKER_NODE_OPTIONS } : {}) });
  const timeline: Record<string, unknown> = {};
  const keep = (name: string) => (samples: Sample[], startedAt: number) => (timeline[name] = { startedAt, samples });
  try {
    const targets: Record<Target, { url: string; calls: Call[] }> = {
      floor: { url: world.floor.url, calls: world.listingsCalls },
      broker_listings_get: { url: world.broker.url, calls: world.listingsCalls },
      broker_connect_status: { url: world.broker.url, calls: world.statusCalls },
    };
    // Warm-up: every token and connection once (caches, LWA, JIT), participations cached.
    timeline.warmupStartedAt = Date.now();
    for (const target of Object.values(targets)) await closedLoop(target.url, target.calls, CONNECTIONS, 2);
    timeline.warmupEndedAt = Date.now();
    await world.resetQuotas();

    const rounds: Record<Target, LoadResult[]> = { floor: [], broker_listings_get: [], broker_connect_status: [] };
    let brokerRss = 0;
    let brokerPss = 0;
    let brokerAnon = 0;
    let largestAnon = 0;
    const rssSampler = setInterval(() => {
      const processes = treeMemory(world.broker.child.pid as number);
      const sum = (field: 'rss' | 'pss' | 'anon') => processes.reduce((total, p) => total + p[field], 0);
      brokerRss = Math.max(brokerRss, sum('rss'));
      brokerPss = Math.max(brokerPss, sum('pss'));
      brokerAnon = Math.max(brokerAnon, sum('anon'));
      largestAnon = Math.max(largestAnon, ...processes.map((p) => p.anon));
    }, 250);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(targets) as Target[]) {
        rounds[name].push(await closedLoop(targets[name].url, targets[name].calls, CONNECTIONS, ROUND_SECONDS));
        await world.resetQuotas();
      }
    }
    const saturated = { floor: combine(rounds.floor), broker_listings_get: combine(rounds.broker_listings_get), broker_connect_status: combine(rounds.broker_connect_status) };

    const halfRate = Math.max(1, Math.round(saturated.broker_listings_get.ok_per_second / 2));
    const floorAtHalf = await openLoop(world.floor.url, world.listingsCalls, halfRate, ROUND_SECONDS * 2, keep('floor'), LEAD_IN_SECONDS);
    await world.resetQuotas();
    const brokerAtHalf = await openLoop(world.broker.url, world.listingsCalls, halfRate, ROUND_SECONDS * 2, keep('broker'), LEAD_IN_SECONDS);
    clearInterval(rssSampler);
    if (SAMPLES_FILE) writeFileSync(WORKER_COUNTS.length > 1 ? SAMPLES_FILE.replace(/(\.json)?$/, `-workers-${workers}$1`) : SAMPLES_FILE, JSON.stringify(timeline));
    const ratio = (a: number, b: number) => +(a / b).toFixed(3);
    return {
      broker_workers: Number(workers),
      saturated,
      ratio_to_floor: {
        listings_get_calls_per_s: ratio(saturated.broker_listings_get.ok_per_second, saturated.floor.ok_per_second),
        connect_status_calls_per_s: ratio(saturated.broker_connect_status.ok_per_second, saturated.floor.ok_per_second),
        listings_get_p50: ratio(saturated.broker_listings_get.p50_ms, saturated.floor.p50_ms),
        listings_get_p99: ratio(saturated.broker_listings_get.p99_ms, saturated.floor.p99_ms),
      },
      at_half_broker_max: {
        calls_per_s: halfRate,
        lead_in_seconds: LEAD_IN_SECONDS,
        floor: floorAtHalf,
        broker_listings_get: brokerAtHalf,
        p99_gap_ms: +(brokerAtHalf.p99_ms - floorAtHalf.p99_ms).toFixed(1),
      },
      // A cluster's processes share the node binary and libraries (~40 MB each): the RSS sum counts
      // them once per process, the PSS once in all; anon is each process's own heap and buffers.
      broker_memory_mb_max: {
        rss_sum: Math.round(brokerRss / 1048576),
        pss: Math.round(brokerPss / 1048576),
        anon_sum: Math.round(brokerAnon / 1048576),
        anon_largest_process: Math.round(largestAnon / 1048576),
      },
    };
  } finally {
    await world.close();
  }
}

/** Sums the rounds of one target: calls per second over all its seconds, percentiles weighted by calls. */
function combine(results: LoadResult[]): LoadResult {
  const seconds = results.reduce((s, r) => s + r.seconds, 0);
  const ok = results.reduce((s, r) => s + r.ok, 0);
  const weighted = (pick: (r: LoadResult) => number) => +(results.reduce((s, r) => s + pick(r) * r.ok, 0) / Math.max(1, ok)).toFixed(1);
  const failures: Record<string, number> = {};
  for (const r of results) for (const [status, n] of Object.entries(r.failures)) failures[status] = (failures[status] ?? 0) + n;
  return {
    seconds,
    ok,
    failed: results.reduce((s, r) => s + r.failed, 0),
    ok_per_second: Math.round(ok / seconds),
    p50_ms: weighted((r) => r.p50_ms),
    p99_ms: weighted((r) => r.p99_ms),
    failures,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runHotPathBench(), null, 2));
}
