import { readdirSync, readFileSync } from 'node:fs';
import { closedLoop, type Call, type LoadResult } from './load.js';
import { cpuMs, processTree } from './support.js';

/**
 * Where the CPU of a saturated run goes, process by process: CPU milliseconds per 2xx call of the
 * broker (its primary and workers), the simulator, the floor, Redis, Postgres (every backend) and
 * this load generator, read from /proc before and after one closed-loop run. On a 2-core machine
 * every process takes from the same two cores, so what the broker's round trips cost Redis and
 * Postgres counts against the broker's own throughput.
 */
export interface ProcessGroups {
  broker: number;
  simulator: number;
  floor: number;
}


/** Every process whose command line starts with `name` (redis-server, postgres). */
function byCommand(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm.startsWith(name)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function snapshot(groups: ProcessGroups): Record<string, number> {
  const sum = (pids: number[]) => pids.reduce((s, pid) => s + cpuMs(pid), 0);
  return {
    broker: sum(processTree(groups.broker)),
    simulator: sum(processTree(groups.simulator)),
    floor: sum(processTree(groups.floor)),
    redis: sum(byCommand('redis-server')),
    postgres: sum(byCommand('postgres')),
    load_generator: cpuMs(process.pid),
  };
}

export async function cpuSplit(groups: ProcessGroups, url: string, calls: Call[], connections: number, seconds: number) {
  const before = snapshot(groups);
  const load: LoadResult = await closedLoop(url, calls, connections, seconds);
  const after = snapshot(groups);
  const perCall: Record<string, number> = {};
  let total = 0;
  for (const [name, start] of Object.entries(before)) {
    const ms = ((after[name] as number) - start) / Math.max(1, load.ok);
    total += ms;
    if (ms > 0) perCall[name] = +ms.toFixed(3);
  }
  return { calls_per_s: load.ok_per_second, cpu_ms_per_call: { ...perCall, all: +total.toFixed(3) } };
}
