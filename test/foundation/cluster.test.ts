import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { BROKER_NODE_FLAGS, workerExecArgv } from '../../src/cluster.js';
import { createTestDatabase, DATABASE_URL, randomSuffix, REDIS_URL, type TestDatabase } from '../helpers/app.js';
import { DIST, ensureBuild } from '../helpers/build.js';
import { missing } from '../helpers/services.js';

/** BROKER_WORKERS: one broker process per core under a node:cluster primary that only supervises. */
const SERVER = path.join(DIST, 'server.js');
/** Records which modules each process loads (test/helpers/record-modules.mjs). */
const RECORDER = path.resolve(import.meta.dirname, '../helpers/record-modules.mjs');
const MODULES = path.join(tmpdir(), `cluster-modules-${randomBytes(4).toString('hex')}.txt`);
/** The primary's worker processes (other children, e.g. a transpiler's helper, are not workers). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number)
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(SERVER);
      } catch {
        return false; // already gone
      }
    });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('BROKER_WORKERS configuration', () => {
  it('defaults to one process, reads WEB_CONCURRENCY, and refuses several without Postgres and Redis', () => {
    expect(loadConfig({}).workers).toBe(1);
    const shared = { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://cache' };
    expect(loadConfig({ ...shared, WEB_CONCURRENCY: '2' }).workers).toBe(2);
    expect(loadConfig({ ...shared, BROKER_WORKERS: '3', WEB_CONCURRENCY: '2' }).workers).toBe(3);
    expect(() => loadConfig({ BROKER_WORKERS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...shared, BROKER_WORKERS: '0' })).toThrow(ConfigError);
  });
});

describe('the workers\' node flags', () => {
  it('size the V8 heap and its helper threads for a worker unless the operator set the same flag, before the primary\'s own flags', () => {
    expect(workerExecArgv([], '')).toEqual([...BROKER_NODE_FLAGS]);
    expect(workerExecArgv(['--import', 'x.mjs'], undefined)).toEqual([...BROKER_NODE_FLAGS, '--import', 'x.mjs']);
    expect(workerExecArgv(['--max_old_space_size=1024'], '')).toEqual(['--max-semi-space-size=16', '--v8-pool-size=1', '--no-memory-reducer', '--no-allocation-site-pretenuring', '--max_old_space_size=1024']);
    expect(workerExecArgv([], '--enable-source-maps --max-semi-space-size=8')).toEqual(['--max-old-space-size=256', '--v8-pool-size=1', '--no-memory-reducer', '--no-allocation-site-pretenuring']);
    expect(workerExecArgv(['--v8-pool-size=4'], '')).toEqual(['--max-semi-space-size=16', '--max-old-space-size=256', '--no-memory-reducer', '--no-allocation-site-pretenuring', '--v8-pool-size=4']);
    // The positive form of one of our --no- flags is the same flag: the operator's wins.
    expect(workerExecArgv(['--allocation-site-pretenuring'], '--memory_reducer')).toEqual(['--max-semi-space-size=16', '--max-old-space-size=256', '--v8-pool-size=1', '--allocation-site-pretenuring']);
  });
});

describe.skipIf(missing('Postgres', 'Redis'))('a clustered broker (2 workers)', () => {
  let database: TestDatabase;
  let primary: ChildProcess;
  let baseUrl: string;
  let output = '';
  let exited: Promise<number | null>;
  beforeAll(async () => {
    await ensureBuild();
    database = await createTestDatabase(DATABASE_URL, { migrated: true });
    // The compiled broker, as production runs it (npm start), telling which modules each process loads.
    primary = spawn(process.execPath, ['--import', RECORDER, SERVER], {
      env: {
        PATH: process.env.PATH ?? '',
        RECORD_MODULES_FILE: MODULES,
        BROKER_MODE: 'production',
        BROKER_WORKERS: '2',
        DATABASE_URL: database.url as string,
        REDIS_URL: REDIS_URL as string,
        REDIS_KEY_PREFIX: `cluster:${randomSuffix()}:`,
        INTERNAL_API_KEY: `internal-${randomBytes(16).toString('hex')}`,
        VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        LWA_CLIENT_ID: 'sandbox-client',
        LWA_CLIENT_SECRET: 'sandbox-secret',
        PORT: '0', // the workers share the port the first one is given
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    exited = new Promise((resolve) => primary.once('exit', (code) => resolve(code)));
    baseUrl = await new Promise<string>((resolve) => {
      primary.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening) resolve(listening[1] as string);
      });
    });
    await until(async () => (await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)) === 200);
  }, 120_000);
  afterAll(async () => {
    if (primary?.exitCode === null) primary.kill('SIGKILL');
    await database?.drop();
    rmSync(MODULES, { force: true });
  });

  it('serves from two workers, replaces one that dies, and exits 0 with its workers on SIGTERM', async () => {
    const pid = primary.pid as number;
    await until(() => childrenOf(pid).length === 2);
    // Both listen before one is killed: were it the only one listening, the port it holds (PORT=0
    // picks one) would close with it and the other worker would get another.
    await until(() => output.match(/Server listening at/g)?.length === 2);
    const [first] = childrenOf(pid) as [number];
    expect(readFileSync(`/proc/${first}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...BROKER_NODE_FLAGS]));
    expect(readFileSync(`/proc/${first}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
    process.kill(first, 'SIGKILL');
    await until(() => childrenOf(pid).length === 2 && !childrenOf(pid).includes(first));
    await until(async () => (await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)) === 200);
    const workers = childrenOf(pid);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);

    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const worker of workers) expect(alive(worker)).toBe(false);
  }, 90_000);

  it('the primary, which only supervises, does not load the app that the workers serve with', () => {
    const loaded = readFileSync(MODULES, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' '));
    const by = (role: string) => loaded.filter(([r]) => r === role).map(([, , url]) => url as string);
    const app = `${path.join(DIST, 'app.js')}`;
    expect(by('primary').some((url) => url.endsWith(path.join(DIST, 'cluster.js')))).toBe(true);
    expect(by('primary').filter((url) => url.endsWith(app) || url.includes('/node_modules/fastify/'))).toEqual([]);
    expect(by('worker').some((url) => url.endsWith(app))).toBe(true);
  });
});
