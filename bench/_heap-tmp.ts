import { request, WebSocket } from 'undici';
import { startHotPath } from './hot-path-fixture.js';
import { closedLoop } from './load.js';
import { freePort } from './support.js';

const inspectorPort = await freePort();
const world = await startHotPath({ sellers: 2000, workers: '1', brokerNodeOptions: [`--inspect-port=${inspectorPort}`] });
try {
  await closedLoop(world.broker.url, world.listingsCalls, 32, 3);
  await world.resetQuotas();
  const pid = world.broker.child.pid as number;
  process.kill(pid, 'SIGUSR1');
  await new Promise((r) => setTimeout(r, 500));
  const targets = (await (await request(`http://127.0.0.1:${inspectorPort}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  let nextId = 1;
  const pending = new Map<number, (r: unknown) => void>();
  socket.addEventListener('message', (e) => { const m = JSON.parse(String(e.data)); if (m.id) pending.get(m.id)?.(m.result); });
  const send = (method: string, params = {}) => new Promise<any>((resolve) => { const id = nextId++; pending.set(id, resolve); socket.send(JSON.stringify({ id, method, params })); });
  await send('HeapProfiler.enable');
  await send('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const load = await closedLoop(world.broker.url, world.listingsCalls, 32, 6);
  const { profile } = await send('HeapProfiler.stopSampling');
  socket.close();
  const bySelf = new Map<string, number>();
  let total = 0;
  const walk = (node: any, stack: string[]) => {
    const f = node.callFrame;
    const label = `${f.functionName || '(anon)'} ${String(f.url).replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, '')}:${f.lineNumber + 1}`;
    if (node.selfSize) { bySelf.set(label, (bySelf.get(label) ?? 0) + node.selfSize); total += node.selfSize; }
    for (const c of node.children ?? []) walk(c, [...stack, label]);
  };
  walk(profile.head, []);
  console.log('calls', load.ok, 'bytes/call', Math.round(total / load.ok));
  for (const [k, v] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(String(Math.round(v / load.ok)).padStart(7), k);
} finally {
  await world.close();
}
process.exit(0);
