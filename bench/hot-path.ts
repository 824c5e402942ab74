import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { closedLoop, openLoop, type Call, type LoadResult, type Sample } from './load.js';
import { startHotPath } from './hot-path-fixture.js';
import { treeMemory } from './support.js';

/**
 * bench/hot-path (issues 13, 22): the broker's own cost per call against two floors, in one process
 * tree — the simulator (Amazon's quotas on) in its own process, the bare floor (bench/floor.ts:
 * node:http + undici), the Fastify floor (bench/fastify-floor.ts: the same pass-through as one route
 * of the project's Fastify, so the framework's cost is told apart from the broker's), the broker
 * (started as `npm start` starts it; BENCH_WORKERS lists the worker counts to measure, each in a
 * fresh process tree: default 1) and this process generating load with BENCH_CONNECTIONS
 * connections, rotating through the job tokens of BENCH_SELLERS connected sellers (enough that no
 * seller's 5 rps getListingsItem quota binds even for the floors, which do not respect it: each
 * column prints its 429 count, which must be 0). BENCH_ROUNDS rounds alternate bare floor → Fastify
 * floor → broker listings.get → broker connect.status (participations cached), so a busy machine
 * weighs on all alike; each figure is the median of the rounds. Then, at half the broker's
 * listings.get throughput, floor and broker latency open-loop, alternated BENCH_HALF_LOAD_RUNS times
 * (each after an uncounted lead-in at that rate: LEAD_IN_SECONDS), with the p99 of each second's
 * calls, so a tail can be placed in time; the gap is the median of the runs' gaps.
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Open-loop runs at half load, each target alternated; the p99 gap is their median. */
const HALF_LOAD_RUNS = Number(process.env.BENCH_HALF_LOAD_RUNS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
/** The broker's worker counts to measure, each in its own process tree: one process, and one per core. */
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1').split(',').map((n) => n.trim());
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

type Target = 'floor' | 'fastify_floor' | 'broker_listings_get' | 'broker_connect_status';

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
      fastify_floor: { url: world.fastifyFloor.url, calls: world.listingsCalls },
      broker_listings_get: { url: world.broker.url, calls: world.listingsCalls },
      broker_connect_status: { url: world.broker.url, calls: world.statusCalls },
    };
    // Warm-up: every token and connection once (caches, LWA, JIT), participations cached.
    timeline.warmupStartedAt = Date.now();
    for (const target of Object.values(targets)) await closedLoop(target.url, target.calls, CONNECTIONS, 2);
    timeline.warmupEndedAt = Date.now();
    await world.resetQuotas();

    const rounds: Record<Target, LoadResult[]> = { floor: [], fastify_floor: [], broker_listings_get: [], broker_connect_status: [] };
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
    const saturated = {
      floor: medianOf(rounds.floor),
      fastify_floor: medianOf(rounds.fastify_floor),
      broker_listings_get: medianOf(rounds.broker_listings_get),
      broker_connect_status: medianOf(rounds.broker_connect_status),
    };
    // The ratio of each round (alternated, so each pair saw the same machine), then their median.
    const roundRatios = (over: Target) => rounds.broker_listings_get.map((r, i) => r.ok_per_second / Math.max(1, rounds[over][i]?.ok_per_second ?? 0));

    const halfRate = Math.max(1, Math.round(saturated.broker_listings_get.ok_per_second / 2));
    const halfLoad: { floor: LoadResult[]; broker: LoadResult[] } = { floor: [], broker: [] };
    for (let run = 0; run < HALF_LOAD_RUNS; run++) {
      halfLoad.floor.push(await openLoop(world.floor.url, world.listingsCalls, halfRate, ROUND_SECONDS, keep(`floor_${run}`), LEAD_IN_SECONDS));
      await world.resetQuotas();
      halfLoad.broker.push(await openLoop(world.broker.url, world.listingsCalls, halfRate, ROUND_SECONDS, keep(`broker_${run}`), LEAD_IN_SECONDS));
      await world.resetQuotas();
    }
    const gaps = halfLoad.broker.map((b, i) => b.p99_ms - (halfLoad.floor[i]?.p99_ms ?? 0));
    clearInterval(rssSampler);
    if (SAMPLES_FILE) writeFileSync(WORKER_COUNTS.length > 1 ? SAMPLES_FILE.replace(/(\.json)?$/, `-workers-${workers}$1`) : SAMPLES_FILE, JSON.stringify(timeline));
    const ratio = (a: number, b: number) => +(a / b).toFixed(3);
    return {
      broker_workers: Number(workers),
      saturated,
      ratio_to_floor: {
        listings_get_calls_per_s_median_of_rounds: +median(roundRatios('floor')).toFixed(3),
        listings_get_calls_per_s_by_round: roundRatios('floor').map((r) => +r.toFixed(3)),
        listings_get_to_fastify_floor_median_of_rounds: +median(roundRatios('fastify_floor')).toFixed(3),
        fastify_floor_to_floor: ratio(saturated.fastify_floor.ok_per_second, saturated.floor.ok_per_second),
        listings_get_calls_per_s: ratio(saturated.broker_listings_get.ok_per_second, saturated.floor.ok_per_second),
        connect_status_calls_per_s: ratio(saturated.broker_connect_status.ok_per_second, saturated.floor.ok_per_second),
        listings_get_p50: ratio(saturated.broker_listings_get.p50_ms, saturated.floor.p50_ms),
        listings_get_p99: ratio(saturated.broker_listings_get.p99_ms, saturated.floor.p99_ms),
      },
      at_half_broker_max: {
        calls_per_s: halfRate,
        lead_in_seconds: LEAD_IN_SECONDS,
        runs: HALF_LOAD_RUNS,
        floor_p99_ms_by_run: halfLoad.floor.map((r) => r.p99_ms),
        broker_p99_ms_by_run: halfLoad.broker.map((r) => r.p99_ms),
        broker_failures: sumFailures(halfLoad.broker),
        floor_failures: sumFailures(halfLoad.floor),
        p99_gap_ms_by_run: gaps.map((g) => +g.toFixed(1)),
        p99_gap_ms_median: +median(gaps).toFixed(1),
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

/**
 * One target's rounds: the median round's calls per second and p99 (the machine is shared, so a
 * median of alternated rounds, not a sum), with every round's figures and all failures by status
 * (a floor's 429s mean a seller's Amazon quota bound: the bench needs more sellers).
 */
function medianOf(results: LoadResult[]) {
  return {
    rounds: results.length,
    seconds_each: results[0]?.seconds ?? 0,
    ok_per_second: Math.round(median(results.map((r) => r.ok_per_second))),
    p50_ms: +median(results.map((r) => r.p50_ms)).toFixed(1),
    p99_ms: +median(results.map((r) => r.p99_ms)).toFixed(1),
    ok_per_second_by_round: results.map((r) => r.ok_per_second),
    p99_ms_by_round: results.map((r) => r.p99_ms),
    failures: sumFailures(results),
    answers_429: sumFailures(results)['429'] ?? 0,
  };
}

function sumFailures(results: LoadResult[]): Record<string, number> {
  const failures: Record<string, number> = {};
  for (const r of results) for (const [status, n] of Object.entries(r.failures)) failures[status] = (failures[status] ?? 0) + n;
  return failures;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runHotPathBench(), null, 2));
}
