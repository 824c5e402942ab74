import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { request } from 'undici';
import type { RunningSimulator } from '../src/simulator/index.js';
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
export function brokerEnv(sim: RunningSimulator, databaseUrl: string, internalKey: string): Record<string, string> {
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

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `src/server.ts` as its own process (a real broker instance) and waits until it is ready;
 * `compiled` runs `dist/server.js` as production does (`npm run build` first).
 */
export async function startBrokerProcess(env: Record<string, string>, options: { compiled?: boolean } = {}): Promise<BrokerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, options.compiled ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
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
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
