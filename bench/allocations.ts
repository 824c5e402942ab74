import { startHotPath } from './hot-path-fixture.js';
import { openInspector } from './inspector-profile.js';
import { closedLoop } from './load.js';
import { freePort } from './support.js';

/**
 * bench/allocations: bytes allocated per listings.get call, by the function that allocated them
 * (V8's sampling heap profiler over the inspector, during saturated load only, objects collected
 * by scavenges included). Garbage is CPU twice: allocating it and collecting it. This is how the
 * log destination's 16 KB a call was found (bench/README.md, "the log chunks").
 */
const SELLERS = Number(process.env.BENCH_SELLERS ?? 2000);
const SECONDS = Number(process.env.BENCH_ALLOCATIONS_SECONDS ?? 6);

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: SamplingNode[];
}

export async function runAllocationsBench() {
  const inspectorPort = await freePort();
  const world = await startHotPath({ sellers: SELLERS, workers: '1', brokerNodeOptions: [`--inspect-port=${inspectorPort}`] });
  try {
    await closedLoop(world.broker.url, world.listingsCalls, 32, 3);
    await world.resetQuotas();
    const inspector = await openInspector(world.broker.child.pid as number, inspectorPort);
    await inspector.send('HeapProfiler.enable');
    await inspector.send('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const load = await closedLoop(world.broker.url, world.listingsCalls, 32, SECONDS);
    const { profile } = (await inspector.send('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
    inspector.close();
    const bytesBy = new Map<string, number>();
    let total = 0;
    const walk = (node: SamplingNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const place = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, 'dist/')}:${lineNumber + 1}`;
      bytesBy.set(place, (bytesBy.get(place) ?? 0) + node.selfSize);
      total += node.selfSize;
      for (const child of node.children ?? []) walk(child);
    };
    walk(profile.head);
    const perCall = (bytes: number) => Math.round(bytes / Math.max(1, load.ok));
    return {
      calls: load.ok,
      calls_per_s: load.ok_per_second,
      bytes_per_call: perCall(total),
      top_allocators_bytes_per_call: Object.fromEntries([...bytesBy].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([place, bytes]) => [place, perCall(bytes)])),
    };
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runAllocationsBench(), null, 2));
  process.exit(0);
}
