import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'undici';
import { BROKER_NODE_FLAGS } from '../src/cluster.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/app.js';

/** Shared plumbing of the benchmarks: databases, free ports, broker processes, percentiles. */
export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database for one benchmark run, on the same server the tests use. */
export async function createBenchDatabase(): Promise<TestDatabase & { url: string }> {
  const database = await createTestDatabase(DATABASE_URL);
  return { ...database, url: database.url as string };
}

/** The environment of a production-mode broker process pointed at a simulator. */
export function brokerEnv(sim: SimulatorUrls, databaseUrl: string, internalKey: string): Record<string, string> {
  return {
    BROKER_MODE: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    INTERNAL_API_KEY: internalKey,
    VAULT_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    LWA_CLIENT_ID: 'sandbox-client',
    LWA_CLIENT_SECRET: 'sandbox-secret',
    LWA_TOKEN_URL: sim.lwaTokenUrl,
    SPAPI_ENDPOINT_NA: sim.endpoints.NA,
    SPAPI_ENDPOINT_EU: sim.endpoints.EU,
    SPAPI_ENDPOINT_FE: sim.endpoints.FE,
    FRONT_DOOR_PER_MINUTE: '10000000',
  };
}

/** Where a simulator (in process or not) answers. */
export interface SimulatorUrls {
  lwaTokenUrl: string;
  endpoints: { NA: string; EU: string; FE: string };
}

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `src/server.ts` as its own process (a real broker instance) and waits until it is ready;
 * `compiled` runs `dist/server.js` as production does (`npm run build` first); `nodeOptions` go
 * before the script (e.g. --cpu-prof); `logFile` receives its log lines (discarded otherwise);
 * `cwd` runs another checkout's build (bench/compare.ts: a baseline commit's dist/).
 */
export async function startBrokerProcess(env: Record<string, string>, options: { compiled?: boolean; nodeOptions?: string[]; logFile?: string; cwd?: string } = {}): Promise<BrokerProcess> {
  const port = await freePort();
  // Compiled, it starts as `npm start` does, with the broker's node flags (nodeOptions come after: they win).
  const [flags, script] = options.compiled ? [BROKER_NODE_FLAGS, ['dist/server.js']] : [[], ['--import', 'tsx', 'src/server.ts']];
  const child = spawn(process.execPath, [...flags, ...(options.nodeOptions ?? []), ...script], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', options.logFile ? openSync(options.logFile, 'a') : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode}`);
    try {
      const response = await request(`${url}/readyz`);
      await response.body.dump();
      if (response.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('broker did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    stop: () => stopChild(child),
  };
}

/** A child process serving HTTP at `url`, started by `spawnServer`. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script>` and waits until it prints `readyLine`. */
export async function spawnServer(script: string, env: Record<string, string>, port: number, readyLine: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdout?.resume();
  return { url: `http://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
}

/** The SP-API simulator in a process of its own (Amazon's quotas on), so it never shares a thread with the load. */
export async function startSimulatorProcess(): Promise<ServerProcess & SimulatorUrls> {
  const port = await freePort();
  const server = await spawnServer('src/simulator/main.ts', { SIMULATOR_PORT: String(port), SIMULATOR_RATE_LIMITS: 'true' }, port, 'listening on');
  return { ...server, lwaTokenUrl: `${server.url}/auth/o2/token`, endpoints: { NA: server.url, EU: server.url, FE: server.url } };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The pids of a process and all its descendants (a broker's cluster workers included). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const child of readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').split(' ').filter(Boolean)) all.push(Number(child));
    } catch {
      // the process is gone
    }
  }
  return all;
}

/** The `<field>: N kB` lines of one read of a /proc file, in bytes (0 when the process is gone). */
function procKb<F extends string>(file: string, ...fields: F[]): Record<F, number> {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // the process is gone
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return Object.fromEntries(fields.map((field) => [field, kb(field)])) as Record<F, number>;
}

/** Resident memory of a process and all its descendants (a broker's cluster workers included), in bytes. */
export function treeRss(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + procKb(`/proc/${p}/status`, 'VmRSS').VmRSS, 0);
}

/**
 * Each process of the tree, in bytes: its RSS; its proportional set size, where a page shared by n
 * processes of the tree (the node binary, libraries: ~40 MB a process) counts 1/n in each, so the
 * sum is what the tree really holds (the RSS sum counts those pages once per process); and its
 * RssAnon (heap and native allocations, never shared between these processes).
 */
export function treeMemory(pid: number): { rss: number; pss: number; anon: number }[] {
  return processTree(pid).map((p) => {
    const { VmRSS, RssAnon } = procKb(`/proc/${p}/status`, 'VmRSS', 'RssAnon');
    return { rss: VmRSS, pss: procKb(`/proc/${p}/smaps_rollup`, 'Pss').Pss, anon: RssAnon };
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string>) {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** USER_HZ: /proc reports CPU time in ticks of 10 ms on Linux. */
const MS_PER_TICK = 10;

/** utime + stime of one process so far, in milliseconds (0 when it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return 0;
  }
}
