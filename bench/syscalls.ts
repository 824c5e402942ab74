import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { startHotPath } from './hot-path-fixture.js';
import { closedLoop, openLoop, openPool } from './load.js';

/**
 * bench/syscalls (issue 22): system calls per `listings.get` of the bare floor, the Fastify floor and
 * the broker under the same open-loop load (BENCH_SYSCALL_RATE calls/s for BENCH_SYSCALL_SECONDS),
 * counted by `strace -c -f` attached to every thread of each process in turn. strace slows the
 * traced process a lot, hence a fixed rate well under every target's maximum, not a closed loop.
 * The generator's connections are opened by an untraced lead-in at the same rate, traced, and kept
 * for the traced run: a target slowed by strace has more calls in flight, and each new one would
 * otherwise open a connection (an accept4, getpeername and setsockopt in the target) inside the count.
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 3000);
const RATE = Number(process.env.BENCH_SYSCALL_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SYSCALL_SECONDS ?? 5);

interface Counted {
  calls_per_s: number;
  ok: number;
  syscalls_per_call: number;
  writes_per_call: number;
  top: Record<string, number>;
}

async function traced(pid: number, url: string, calls: Parameters<typeof openLoop>[1], name: string): Promise<Counted> {
  const out = path.join(tmpdir(), `strace-${name}-${pid}.txt`);
  const pool = openPool(url);
  const threads = readdirSync(`/proc/${pid}/task`).flatMap((tid) => ['-p', tid]);
  let load;
  try {
    // Connections for a traced target's calls in flight: strace attached and discarded.
    const leadIn = spawn('strace', ['-c', '-f', '-o', '/dev/null', ...threads], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500)); // attached
    await openLoop(url, calls, RATE, 2, undefined, 0, pool);
    const leadInExited = new Promise((r) => leadIn.once('exit', r));
    leadIn.kill('SIGINT');
    await leadInExited;
    const strace = spawn('strace', ['-c', '-f', '-o', out, ...threads], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500)); // attached
    load = await openLoop(url, calls, RATE, SECONDS, undefined, 0, pool);
    const exited = new Promise((r) => strace.once('exit', r));
    strace.kill('SIGINT');
    await exited;
  } finally {
    await pool.close();
  }
  const counts: Record<string, number> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    // % time  seconds  usecs/call  calls  [errors]  syscall
    const fields = line.trim().split(/\s+/);
    const name = fields[fields.length - 1] as string;
    if (!/^\d/.test(fields[0] ?? '') || name === 'total' || fields.length < 5) continue;
    counts[name] = Number(fields[3]);
  }
  const per = (n: number) => +(n / Math.max(1, load.ok)).toFixed(2);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const top = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => [k, per(v)]));
  return { calls_per_s: load.ok_per_second, ok: load.ok, syscalls_per_call: per(total), writes_per_call: per((counts.writev ?? 0) + (counts.write ?? 0)), top };
}

export async function runSyscallsBench() {
  if (spawnSync('strace', ['-V']).status !== 0) return { skipped: 'strace is not installed (apt-get install strace)' };
  const world = await startHotPath({ sellers: SELLERS, workers: '1' });
  try {
    const targets = { floor: world.floor, fastify_floor: world.fastifyFloor, broker_listings_get: world.broker };
    for (const target of Object.values(targets)) await closedLoop(target.url, world.listingsCalls, 32, 2);
    await world.resetQuotas();
    const result: Record<string, Counted> = {};
    for (const [name, target] of Object.entries(targets)) {
      result[name] = await traced(target.child.pid as number, target.url, world.listingsCalls, name);
      await world.resetQuotas();
    }
    return { machine: `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`, rate: RATE, seconds: SECONDS, per_call: result };
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runSyscallsBench(), null, 2));
}
