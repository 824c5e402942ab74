// Preloaded into broker processes (BENCH_BROKER_NODE_OPTIONS="--import ./bench/gc-trace.mjs"):
// appends every GC pause of the process to $BENCH_GC_TRACE_DIR/gc-<pid>.jsonl as
// { at: epoch ms of the pause's start, ms: its duration, kind } — to line GC up with slow calls.
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const dir = process.env.BENCH_GC_TRACE_DIR;
if (dir) {
  const kinds = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  const file = `${dir}/gc-${process.pid}.jsonl`;
  new PerformanceObserver((list) => {
    const lines = list.getEntries().map((e) => JSON.stringify({ at: Math.round(performance.timeOrigin + e.startTime), ms: +e.duration.toFixed(2), kind: kinds[e.detail?.kind] ?? String(e.detail?.kind) }));
    appendFileSync(file, lines.join('\n') + '\n');
  }).observe({ entryTypes: ['gc'] });
}
