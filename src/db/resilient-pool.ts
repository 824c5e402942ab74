import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

/**
 * The broker's Postgres pool, hardened for outages (issue 11: a cut connection used to kill the
 * process). Three things `pg` does not do on its own:
 * - every client gets a permanent 'error' listener: pg-pool only listens while a client is idle,
 *   so a connection lost during a query or transaction emitted an unhandled 'error' and crashed;
 * - nothing waits forever: connecting (or waiting for a free client) and each query have a time
 *   limit, so during an outage or a stall calls fail in seconds instead of hanging;
 * - a client whose query failed at the connection level is destroyed on release, never reused:
 *   after a read timeout its stalled query would still be queued ahead of the next caller's.
 * Connection-level failures surface as DatabaseUnavailableError, which the HTTP layer answers 503.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export const isDatabaseUnavailable = (error: unknown): error is DatabaseUnavailableError => error instanceof DatabaseUnavailableError;

/**
 * SQLSTATE classes that mean "the server", not "this query": 08 connection exception, 53
 * insufficient resources (too many connections), 57 operator intervention (shutdown, statement timeout).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
/** What pg and Node say when the connection itself failed (no SQLSTATE: the server never answered). */
const CONNECTION_FAILURE = /Connection terminated|Query read timeout|not queryable|timeout exceeded|ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket/i;

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // A DatabaseError is the server answering about the query (constraint, syntax…): the connection is fine.
  if (error instanceof pg.DatabaseError) return typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code);
  return CONNECTION_FAILURE.test(`${String(code ?? '')} ${error.message}`);
}

export interface PoolTimeouts {
  /** Longest wait for a connection (a new one, or a free one of the pool). */
  connectMs: number;
  /** Longest wait for one query's answer; 0 = none (migrations, which may legitimately run long). */
  queryMs: number;
}

export const DEFAULT_POOL_TIMEOUTS: PoolTimeouts = { connectMs: 2_000, queryMs: 3_000 };

export interface ResilientPoolClient extends PostgresPoolClient {
  /**
   * Runs a named prepared statement: pg sends its text to be parsed and planned on the first use on
   * each connection (a replacement connection after a failure prepares it again by itself), later
   * uses send only the values. A name must always go with the same text.
   */
  queryPrepared<R>(name: string, text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>>;
}

export interface ResilientPool extends PostgresPool {
  readonly pool: pg.Pool;
  connect(): Promise<ResilientPoolClient>;
}

export function createResilientPool(connectionString: string, timeouts: PoolTimeouts, onError: (error: Error) => void): ResilientPool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeouts.connectMs,
    ...(timeouts.queryMs > 0 ? { query_timeout: timeouts.queryMs, statement_timeout: timeouts.queryMs } : {}),
    keepAlive: true,
  });
  // An idle client that loses its connection: the pool drops it by itself.
  pool.on('error', onError);
  // A client in use that loses its connection: its query fails; the event must not crash the process.
  pool.on('connect', (client) => client.on('error', onError));
  return {
    pool,
    async connect(): Promise<ResilientPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new DatabaseUnavailableError(error);
      }
      let broken = false;
      const run = async <R>(config: pg.QueryConfig): Promise<PostgresQueryResult<R>> => {
        // A stalled query may still be queued on this client: a rollback after it would wait behind it.
        if (broken) throw new DatabaseUnavailableError(new Error('connection already failed'));
        try {
          // Forced: pg's result is what Kysely's own Postgres driver reads; pg types it wider (any command, a nullable rowCount, read only for writes).
          return (await client.query(config)) as unknown as PostgresQueryResult<R>;
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          broken = true;
          throw new DatabaseUnavailableError(error);
        }
      };
      const query = <R>(text: string, values: ReadonlyArray<unknown>) => run<R>({ text, values: [...values] });
      return {
        query: query as PostgresPoolClient['query'],
        queryPrepared: <R>(name: string, text: string, values: readonly unknown[]) => run<R>({ name, text, values: [...values] }),
        release: (destroy?: boolean) => client.release(destroy || broken),
      };
    },
    end: () => pool.end(),
  };
}
