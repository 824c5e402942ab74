import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { startHotPath } from './hot-path-fixture.js';
import { median } from './hot-path.js';
import { closedLoop, openLoop } from './load.js';
import { cpuMs, type BrokerProcess } from './support.js';

/**
 * bench/compare: this checkout's broker against another commit's (BENCH_BASELINE, default HEAD,
 * so uncommitted work is measured against what it changes), in one process tree on the same
 * database, Redis and simulator (3,000 sellers' rotating tokens, Amazon quotas on). Rounds
 * alternate baseline and candidate (who goes first alternates too), each with a closed-loop round (maximum listings.get calls/s)
 * and an open-loop round at a fixed rate (broker CPU per call from /proc, as bench/ablation.ts
 * measures it); the figures are medians of the rounds, and the per-round ratios are printed so
 * the machine's drift can be seen. The baseline is built in a git worktree in the temp directory,
 * linked to this checkout's node_modules; both must share a database schema.
 * BENCH_CANDIDATE_NODE_OPTIONS gives the candidate node flags of its own: with BENCH_BASELINE=HEAD
 * and a clean checkout, that compares a flag.
 */
const BASELINE = process.env.BENCH_BASELINE ?? 'HEAD';
const SELLERS = Number(process.env.BENCH_SELLERS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_ABLATION_RATE ?? 1000);
/** Node flags for the candidate only, after the broker's own (they win): compares a flag, not a commit (BENCH_BASELINE=HEAD). */
const CANDIDATE_NODE_OPTIONS = process.env.BENCH_CANDIDATE_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];

/** The baseline commit checked out and built in the temp directory (kept for the next run). */
function buildBaseline(): { sha: string; dir: string } {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${BASELINE}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = path.join(tmpdir(), 'broker-bench-baseline', sha.slice(0, 12));
  if (!existsSync(dir)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { stdio: 'ignore' });
    symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'), 'dir');
  }
  if (!existsSync(path.join(dir, 'dist', 'server.js'))) {
    if (spawnSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error(`building ${sha} failed`);
  }
  return { sha, dir };
}

export async function runCompareBench() {
  const baseline = buildBaseline();
  const world = await startHotPath({ sellers: SELLERS, workers: '1' });
  try {
    // Both are started the same way, after the set-up: the fixture's own broker imported every
    // connection and minted every token, and measured ~10% slower than a process that did not
    // (an A/A run with it as the candidate: 0.886 of the baseline's calls/s, +0.05 ms CPU a call).
    const base = await world.startBroker({}, { cwd: baseline.dir });
    const candidate = await world.startBroker({}, { nodeOptions: CANDIDATE_NODE_OPTIONS });
    const variants: [name: 'baseline' | 'candidate', broker: BrokerProcess][] = [
      ['baseline', base],
      ['candidate', candidate],
    ];
    for (let pass = 0; pass < 2; pass++) for (const [, broker] of variants) await closedLoop(broker.url, world.listingsCalls, CONNECTIONS, 2);
    await world.resetQuotas();
    const rates = { baseline: [] as number[], candidate: [] as number[] };
    const cpu = { baseline: [] as number[], candidate: [] as number[] };
    const failures: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Who goes first alternates too: the machine drifts within a round as well.
      for (const [name, broker] of round % 2 === 0 ? variants : [...variants].reverse()) {
        const closed = await closedLoop(broker.url, world.listingsCalls, CONNECTIONS, ROUND_SECONDS);
        rates[name].push(closed.ok_per_second);
        await world.resetQuotas();
        const pid = broker.child.pid as number;
        const before = cpuMs(pid);
        const open = await openLoop(broker.url, world.listingsCalls, RATE, ROUND_SECONDS, undefined, 0);
        cpu[name].push((cpuMs(pid) - before) / Math.max(1, open.ok));
        for (const [status, n] of [...Object.entries(closed.failures), ...Object.entries(open.failures)]) failures[`${name} ${status}`] = (failures[`${name} ${status}`] ?? 0) + n;
        await world.resetQuotas();
      }
    }
    const ratios = rates.candidate.map((r, i) => +(r / (rates.baseline[i] ?? 1)).toFixed(3));
    const cpuDiffs = cpu.candidate.map((c, i) => +(c - (cpu.baseline[i] ?? 0)).toFixed(3));
    return {
      machine: `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`,
      baseline: baseline.sha,
      candidate_node_options: CANDIDATE_NODE_OPTIONS,
      sellers: SELLERS,
      rounds: ROUNDS,
      round_seconds: ROUND_SECONDS,
      listings_get_calls_per_s: { baseline: Math.round(median(rates.baseline)), candidate: Math.round(median(rates.candidate)) },
      candidate_over_baseline: { median_of_rounds: median(ratios), by_round: ratios },
      cpu_ms_per_call_at: RATE,
      cpu_ms_per_call: { baseline: +median(cpu.baseline).toFixed(3), candidate: +median(cpu.candidate).toFixed(3) },
      cpu_difference_ms: { median_of_rounds: +median(cpuDiffs).toFixed(3), by_round: cpuDiffs },
      failures,
    };
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runCompareBench(), null, 2));
}
