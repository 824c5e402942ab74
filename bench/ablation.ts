import { cpus } from 'node:os';
import { ABLATION_STAGES } from '../src/bench-ablation.js';
import { startHotPath } from './hot-path-fixture.js';
import { median } from './hot-path.js';
import { closedLoop, openLoop } from './load.js';
import { cpuMs, type BrokerProcess } from './support.js';

/**
 * bench/ablation (issue 22): what each stage of a `listings.get` costs the broker. Beside the full
 * broker, one broker process per stage with that stage short-circuited (BENCH_ABLATE, see
 * src/bench-ablation.ts), all on the same database, Redis and simulator, a few at a time; rounds
 * alternate over the full broker and those few at the same open-loop rate (3,000 sellers' rotating
 * tokens), and each process's CPU time (utime + stime from /proc) is divided by its 2xx calls. A
 * stage's cost is the full broker's CPU per call minus the ablated one's in the same round, the
 * median of the rounds.
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ABLATION_SECONDS ?? 2);
/**
 * Every process gets the same fixed rate (open loop), well under the full broker's maximum: at
 * saturation a faster variant also batches more calls per wake-up, and its CPU per call falls by
 * more than the stage it dropped (a first version of this bench, closed-loop, overstated every
 * stage that way).
 */
const RATE = Number(process.env.BENCH_ABLATION_RATE ?? 1000);
const GROUP_SIZE = 4;

export async function runAblationBench() {
  const world = await startHotPath({ sellers: SELLERS, workers: '1' });
  try {
    const stages: string[] = [...ABLATION_STAGES, ABLATION_STAGES.join(',')];
    const perCall = new Map<string, number[]>([['full broker', []]]);
    /** Per ablated stage, per round: the full broker's CPU per call minus the ablated one's, in the same round. */
    const paired = new Map<string, number[]>();
    const rates = new Map<string, number[]>([['full broker', []]]);
    const failures: Record<string, number> = {};
    // Groups of GROUP_SIZE ablated processes beside the full broker: each process keeps up to 10
    // Postgres connections, and Postgres allows 100 for everyone on the machine.
    for (let first = 0; first < stages.length; first += GROUP_SIZE) {
      // The full broker is started like the ablated ones, after the set-up (bench/compare.ts says why).
      const variants: [name: string, broker: BrokerProcess][] = [['full broker', await world.startBroker({})]];
      for (const stage of stages.slice(first, first + GROUP_SIZE)) {
        const name = stage.includes(',') ? 'all of them' : stage;
        variants.push([name, await world.startBroker({ BENCH_ABLATE: stage })]);
        perCall.set(name, []);
        paired.set(name, []);
        rates.set(name, []);
      }
      // Warm-up: every token and connection in each process (caches, LWA, JIT, the ablations' memos).
      for (let pass = 0; pass < 2; pass++) for (const [, broker] of variants) await closedLoop(broker.url, world.listingsCalls, CONNECTIONS, 2);
      await world.resetQuotas();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, broker] of variants) {
          const pid = broker.child.pid as number;
          const before = cpuMs(pid);
          const load = await openLoop(broker.url, world.listingsCalls, RATE, ROUND_SECONDS, undefined, 0);
          perCall.get(name)?.push((cpuMs(pid) - before) / Math.max(1, load.ok));
          rates.get(name)?.push(load.ok_per_second);
          for (const [status, n] of Object.entries(load.failures)) failures[`${name} ${status}`] = (failures[`${name} ${status}`] ?? 0) + n;
          await world.resetQuotas();
        }
        const fullThisRound = perCall.get('full broker')?.at(-1) ?? 0;
        for (const [name] of variants.slice(1)) paired.get(name)?.push(fullThisRound - (perCall.get(name)?.at(-1) ?? 0));
      }
      for (const [, broker] of variants) await broker.stop();
    }
    // For reference, the floors at the same rate: what the same call costs without the broker's stages.
    const floors: [name: string, server: BrokerProcess][] = [['bare floor (reference)', world.floor], ['Fastify floor (reference)', world.fastifyFloor]];
    for (const [, server] of floors) await closedLoop(server.url, world.listingsCalls, CONNECTIONS, 2);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, server] of floors) {
        const pid = server.child.pid as number;
        const before = cpuMs(pid);
        const load = await openLoop(server.url, world.listingsCalls, RATE, ROUND_SECONDS, undefined, 0);
        perCall.set(name, [...(perCall.get(name) ?? []), (cpuMs(pid) - before) / Math.max(1, load.ok)]);
        rates.set(name, [...(rates.get(name) ?? []), load.ok_per_second]);
      }
    }
    const full = median(perCall.get('full broker') ?? []);
    const table = [...perCall.keys()].map((name) => {
      const ms = median(perCall.get(name) ?? []);
      return {
        ablated: name,
        broker_cpu_ms_per_call: +ms.toFixed(3),
        // The median of the rounds' paired differences: the machine drifts between groups.
        stage_cost_ms: paired.has(name) ? +median(paired.get(name) ?? []).toFixed(3) : null,
        share_of_full: paired.has(name) ? `${Math.round((median(paired.get(name) ?? []) / full) * 100)}%` : null,
        calls_per_s: Math.round(median(rates.get(name) ?? [])),
        cpu_ms_per_call_by_round: (perCall.get(name) ?? []).map((v) => +v.toFixed(3)),
      };
    });
    console.table(table.map(({ cpu_ms_per_call_by_round: _rounds, ...row }) => row));
    return { machine: `${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`, sellers: SELLERS, calls_per_s: RATE, rounds: ROUNDS, round_seconds: ROUND_SECONDS, table, failures };
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runAblationBench(), null, 2));
}
