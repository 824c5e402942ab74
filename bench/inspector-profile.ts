import { request, WebSocket } from 'undici';

/**
 * A CPU profile of a running process over the inspector protocol: SIGUSR1 opens its inspector, and
 * Profiler.start/stop bracket only the work being measured (a --cpu-prof profile would also hold
 * the start-up and the benchmark's own set-up calls).
 */
export async function profileWhile<T>(pid: number, inspectorPort: number, work: () => Promise<T>): Promise<{ result: T; profile: unknown }> {
  process.kill(pid, 'SIGUSR1');
  let targets: { webSocketDebuggerUrl: string }[] = [];
  for (let attempt = 0; attempt < 50 && targets.length === 0; attempt++) {
    try {
      const response = await request(`http://127.0.0.1:${inspectorPort}/json/list`);
      targets = (await response.body.json()) as typeof targets;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const target = targets[0];
  if (!target) throw new Error(`no inspector on port ${inspectorPort}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 200 });
    await send('Profiler.start');
    const result = await work();
    const { profile } = (await send('Profiler.stop')) as { profile: unknown };
    return { result, profile };
  } finally {
    socket.close();
  }
}
