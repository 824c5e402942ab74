import cluster, { type Worker } from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createLogger } from './logger.js';

/**
 * One broker process per core (BROKER_WORKERS, or WEB_CONCURRENCY as platforms set it; default 1 =
 * no cluster). The primary only forks and supervises: each worker is a whole broker (its own pools,
 * caches and metrics) and the primary hands connections round-robin to them. What instances share
 * lives in Postgres and Redis, exactly as between separate machines; so several workers need
 * DATABASE_URL and REDIS_URL (config.ts refuses otherwise).
 *
 * Shutdown: SIGTERM or SIGINT to the primary is forwarded to every worker as SIGTERM; each closes
 * gracefully (src/shutdown.ts) and the primary exits when they all have — 0 if every worker did,
 * else 1. A worker that dies on its own is replaced after a second.
 */
const RESTART_DELAY_MS = 1_000;

/**
 * Node flags of every broker process (docs/operations.md#memory-and-gc; the measurements behind
 * them are in bench/README.md). A single process gets them from its command line (`npm start`, the
 * Dockerfile's CMD and the documented `node … dist/server.js` commands:
 * test/foundation/deployment.test.ts holds them to this list); a cluster's workers from the primary,
 * which adds whichever its own command line lacks.
 *
 * - Heap sizing. V8's defaults suit one big process: an old generation allowed to grow, between
 *   full collections, by a factor that rises with the heap limit (several GB by default), while a
 *   worker's live heap is ~40 MB. A 256 MB limit makes V8 collect much earlier; it still leaves
 *   room for a 16 MB body or a report page in flight. 16 MB young-generation semi-spaces: with
 *   smaller ones, scavenges come so often under load that the objects of calls in flight outlive
 *   two of them, are promoted and left to full collections, which costs more CPU per call than the
 *   larger semi-spaces cost memory.
 * - `--v8-pool-size=1`: one V8 helper thread instead of four. A process is meant to use one core;
 *   with four helpers, each full collection's concurrent marking runs on every core at once and
 *   stalls the other workers (and whatever shares the machine) for tens of ms, the bulk of the p99
 *   at half load.
 * - `--no-memory-reducer`: V8 shrinks an idle process's heap, and its first second of traffic
 *   after a pause of ~10 s then runs at about half speed (heap regrown, code recompiled). The heap
 *   limit above bounds what an idle process keeps.
 * - `--no-allocation-site-pretenuring`: V8 learns, per place in the code that allocates, whether
 *   its objects tend to live long, and from then on allocates them directly in the old generation.
 *   A process that served a burst of other work (connection imports, token mints) learned that of
 *   places the hot path shares, and kept allocating its short-lived objects there: twice the
 *   scavenge time, four times the full collections, ~10% fewer listings.get calls/s than a process
 *   that had not (bench/README.md, "pretenuring").
 *
 * A flag given by the operator (the primary's own flags or NODE_OPTIONS) wins over ours.
 */
export const BROKER_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256', '--v8-pool-size=1', '--no-memory-reducer', '--no-allocation-site-pretenuring'] as const;
/** glibc: one malloc arena per thread by default, each keeping freed memory; two are enough for a worker. */
const WORKER_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/** A flag's name as V8 reads it: `--max_old_space_size=1` is `--max-old-space-size`, `--no-x` sets `--x`. */
const flagName = (flag: string) => (flag.split('=')[0] ?? '').replaceAll('_', '-').replace(/^--no-/, '--');

/** The worker's node flags: ours, unless the operator set the same one (either way); then the primary's own. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return [...BROKER_NODE_FLAGS.filter((flag) => !given.has(flagName(flag))), ...execArgv];
}

export const isClusterPrimary = (config: Pick<Config, 'workers'>) => (config.workers ?? 1) > 1 && cluster.isPrimary;

/** Forks `config.workers` workers and supervises them; never returns (the process exits with its workers). */
export function superviseWorkers(config: Config): Promise<never> {
  const log = createLogger(config).child({ role: 'cluster-primary' });
  let stopping = false;
  let failed = false;
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const env = Object.fromEntries(Object.entries(WORKER_ENV).filter(([name]) => process.env[name] === undefined));
  const fork = () => cluster.fork(env).on('exit', (code, signal) => onExit(code, signal));
  const onExit = (code: number | null, signal: string | null) => {
    if (stopping) {
      // A worker still starting has no handler yet: SIGTERM ends it outright, with nothing in flight.
      if (code !== 0 && signal !== 'SIGTERM') failed = true;
      log.info({ code, signal }, 'a worker has exited');
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.info({ failed }, 'every worker has exited');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    log.error({ code, signal }, `a worker exited unexpectedly; starting another in ${RESTART_DELAY_MS} ms`);
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS);
  };
  const count = config.workers ?? 1;
  for (let i = 0; i < count; i++) fork();
  log.info({ workers: count }, 'cluster primary started its workers');

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    log.info({ signal, workers: workers.length }, 'stopping the workers');
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    // The workers keep their own deadline; this one only covers a worker that ignores it.
    setTimeout(() => {
      log.error('workers still running after their shutdown deadline; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return new Promise<never>(() => {});
}

/**
 * In a cluster worker (no-op otherwise), once the app listens and its shutdown is installed:
 * - SIGINT belongs to the primary (a terminal's Ctrl-C reaches every process of the group, and the
 *   primary forwards SIGTERM); counted twice it would cut the graceful shutdown short;
 * - the IPC channel to the primary is let go once the server has closed, so the worker exits by
 *   itself after its app has finished closing.
 */
export function joinCluster(app: FastifyInstance): void {
  const worker = cluster.worker;
  if (!worker) return;
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => {});
  app.server.once('close', () => worker.disconnect());
}
