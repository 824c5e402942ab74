import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { cpuSplit } from './cpu-split.js';
import { profileWhile } from './inspector-profile.js';
import { closedLoop, openLoop, type Call } from './load.js';
import { startHotPath, type HotPathFixture } from './hot-path-fixture.js';
import { freePort, REDIS_URL } from './support.js';

/**
 * bench/profile: where one broker process's time goes (BROKER_WORKERS=1). Counts the Postgres
 * transactions (each autocommitted statement is one) and the Redis commands on the broker's keys
 * per call, for listings.get and connect.status; splits the CPU of a saturated run between the
 * processes (broker, simulator, floor, Redis, Postgres, load generator) per call; then CPU-profiles
 * the broker over the inspector during saturated listings.get load only (start-up and the set-up
 * calls left out) and prints self time by package / source file and the heaviest functions.
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 2000);
const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 8);

export async function runProfile() {
  const inspectorPort = await freePort();
  const world = await startHotPath({ sellers: SELLERS, workers: '1', brokerNodeOptions: [`--inspect-port=${inspectorPort}`] });
  try {
    await closedLoop(world.broker.url, world.listingsCalls, 32, 2);
    await closedLoop(world.broker.url, world.statusCalls, 32, 2);
    await world.resetQuotas();
    const perCall = {
      listings_get: await countRoundTrips(world, world.listingsCalls),
      connect_status: await countRoundTrips(world, world.statusCalls),
    };
    const processes = { broker: world.broker.child.pid as number, simulator: world.sim.child.pid as number, floor: world.floor.child.pid as number };
    await world.resetQuotas();
    const cpuPerCall = {
      floor: await cpuSplit(processes, world.floor.url, world.listingsCalls, 32, SECONDS),
      broker_listings_get: await cpuSplit(processes, world.broker.url, world.listingsCalls, 32, SECONDS),
      broker_connect_status: await cpuSplit(processes, world.broker.url, world.statusCalls, 32, SECONDS),
    };
    await world.resetQuotas();
    const { result, profile } = await profileWhile(processes.broker, inspectorPort, () => closedLoop(world.broker.url, world.listingsCalls, 32, SECONDS));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'broker-prof-')), 'listings-get.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    return { per_call: perCall, cpu_per_call: cpuPerCall, profiled_run: result, cpu: summarize(profile as CpuProfile), profile: file };
  } finally {
    await world.close();
  }
}

/** Postgres transactions and Redis commands on the broker's keys, per 2xx call, at 100 calls/s for 3 s. */
async function countRoundTrips(world: HotPathFixture, calls: Call[]) {
  const db = new pg.Client({ connectionString: world.databaseUrl });
  await db.connect();
  const xacts = async () => Number((await db.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n);
  const monitor = await new Redis(REDIS_URL).monitor();
  // Round trips are the commands the broker sends; the ones its Lua scripts run inside Redis are listed apart.
  const commands: Record<string, number> = {};
  const inScripts: Record<string, number> = {};
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((a) => a.startsWith(world.redisPrefix))) return;
    const counts = source === 'lua' ? inScripts : commands;
    const name = args[0]?.toLowerCase() ?? '?';
    counts[name] = (counts[name] ?? 0) + 1;
  });
  await new Promise((resolve) => setTimeout(resolve, 11_000)); // backends report to pg_stat_database when idle, within 10 s
  const before = await xacts();
  const load = await openLoop(world.broker.url, calls, 100, 3, undefined, 0); // no lead-in: every call sent is counted
  await new Promise((resolve) => setTimeout(resolve, 11_000)); // idle backends report within 10 s
  const after = await xacts();
  monitor.disconnect();
  await db.end();
  const per = (n: number) => +(n / Math.max(1, load.ok)).toFixed(2);
  return {
    calls_ok: load.ok,
    postgres_transactions: per(after - before - 2), // minus this counter's own two reads
    redis_round_trips: per(Object.values(commands).reduce((a, b) => a + b, 0)),
    redis_by_command: Object.fromEntries(Object.entries(commands).map(([name, n]) => [name, per(n)])),
    redis_inside_scripts: Object.fromEntries(Object.entries(inScripts).map(([name, n]) => [name, per(n)])),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by package or source file, and the heaviest functions (idle left out). */
function summarize(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs].reduce((sum, [id, us]) => ((byId.get(id) as ProfileNode).callFrame.functionName === '(idle)' ? sum : sum + us), 0);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === '(idle)') continue;
    const place = placeOf(frame.url, frame.functionName);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [k, `${((100 * us) / total).toFixed(1)}%`]));
  return { busy_ms: Math.round(total / 1000), by_place: top(byPlace, 25), by_function: top(byFunction, 30) };
}

function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const own = /\/((?:src|dist)\/.*)$/.exec(url);
  if (own) return own[1] as string;
  return url.startsWith('node:') ? url.replace(/^node:internal\/([^/]+).*$/, 'node:$1') : url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runProfile(), null, 2));
}
