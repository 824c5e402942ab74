import { request, WebSocket } from 'undici';

/**
 * A CPU profile of a running process over the inspector protocol: SIGUSR1 opens its inspector, and
 * Profiler.start/stop bracket only the work being measured (a --cpu-prof profile would also hold
 * the start-up and the benchmark's own set-up calls).
 */
export async function profileWhile<T>(pid: number, inspectorPort: number, work: () => Promise<T>): Promise<{ result: T; profile: unknown }> {
  const inspector = await openInspector(pid, inspectorPort);
  try {
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.send('Profiler.start');
    const result = await work();
    const { profile } = (await inspector.send('Profiler.stop')) as { profile: unknown };
    return { result, profile };
  } finally {
    inspector.close();
  }
}

/** The inspector of a running process (SIGUSR1 opens it), as request/response over its WebSocket. */
export async function openInspector(pid: number, port: number) {
  process.kill(pid, 'SIGUSR1');
  let targets: { webSocketDebuggerUrl: string }[] = [];
  for (let attempt = 0; attempt < 50 && targets.length === 0; attempt++) {
    try {
      targets = (await (await request(`http://127.0.0.1:${port}/json/list`)).body.json()) as typeof targets;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const target = targets[0];
  if (!target) throw new Error(`no inspector on port ${port}`);
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
  return {
    send: (method: string, params: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}
