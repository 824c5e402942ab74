import { runAblationBench } from './ablation.js';
import { runAllocationsBench } from './allocations.js';
import { runColdStartBench } from './cold-start.js';
import { runCompareBench } from './compare.js';
import { runHotPathBench } from './hot-path.js';
import { runProfile } from './profile.js';
import { runQuotaBench } from './quota.js';
import { runReportsBench } from './reports.js';
import { runSyscallsBench } from './syscalls.js';

// `npm run bench`: every benchmark, one after the other, each printing its figures;
// `npm run bench <name>` runs one (`profile` runs only when named); BENCH_ONLY=a,b runs those.
const BENCHES: [name: string, title: string, run: () => Promise<unknown>, byDefault: boolean][] = [
  ['hot-path', 'bench/hot-path — bare floor, Fastify floor and broker (listings.get, cached connect.status), alternated, Amazon quotas on', runHotPathBench, true],
  ['ablation', 'bench/ablation — broker CPU per listings.get with one stage short-circuited at a time, against the full broker', runAblationBench, true],
  ['syscalls', 'bench/syscalls — system calls per listings.get (strace -c -f): floors and broker at the same rate', runSyscallsBench, true],
  ['quota', 'bench/quota — one seller hammered through 3 broker processes, a second seller beside it', runQuotaBench, true],
  ['cold-start', 'bench/cold-start — a new instance: spawn to ready, first call, idle RSS', runColdStartBench, true],
  ['reports', 'bench/reports — one broker streams a 200 MB search terms report; its RSS sampled throughout', runReportsBench, true],
  ['profile', 'bench/profile — Postgres statements and Redis round trips per call; CPU profile of one worker', runProfile, false],
  ['allocations', 'bench/allocations — bytes allocated per listings.get call, by allocating function (sampling heap profiler)', runAllocationsBench, false],
  ['compare', 'bench/compare — this checkout against BENCH_BASELINE (default HEAD): listings.get calls/s and CPU per call, alternated', runCompareBench, false],
];

const only = process.argv[2];
const selected = process.env.BENCH_ONLY?.split(',').map((n) => n.trim());
if (only && !BENCHES.some(([name]) => name === only)) throw new Error(`unknown benchmark ${only}: ${BENCHES.map(([n]) => n).join(', ')}`);
for (const [name, title, run, byDefault] of BENCHES) {
  if (only ? only !== name : selected ? !selected.includes(name) : !byDefault) continue;
  console.log(title);
  console.log(JSON.stringify(await run(), null, 2));
}
// Pools and sockets of the runs above may still be closing; the figures are printed.
process.exit(0);
