import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './schema.js';
import { createResilientPool, DEFAULT_POOL_TIMEOUTS, type PoolTimeouts, type ResilientPool } from './resilient-pool.js';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Time limits of the Postgres pool (defaults: fail within seconds during an outage). */
  timeouts?: PoolTimeouts;
  /** Told about every lost Postgres connection (the pool replaces it; the process carries on). */
  onConnectionError?: (error: Error) => void;
}

const embedded = new WeakMap<Db, PGlite>();
const postgresPools = new WeakMap<Db, ResilientPool>();

/** The PGlite behind an embedded database (its notifications are heard in process), else undefined. */
export const embeddedPglite = (db: Db): PGlite | undefined => embedded.get(db);

/**
 * Postgres through `pg` when DATABASE_URL is set; otherwise embedded PGlite under `dataDir`
 * (`memory://` keeps it in memory, for tests). Same schema, same migrations.
 */
export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    const pool = createResilientPool(options.databaseUrl, options.timeouts ?? DEFAULT_POOL_TIMEOUTS, options.onConnectionError ?? (() => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    postgresPools.set(db, pool);
    return db;
  }
  const inMemory = options.dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  return embeddedDatabase(new PGlite(inMemory ? undefined : options.dataDir));
}

/** A database on an embedded PGlite (remembered, so the cache invalidation feed can listen to it). */
export function embeddedDatabase(pglite: PGlite): Db {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  embedded.set(db, pglite);
  return db;
}

/** Migrations may run long (an index on a big table, waiting for another instance's lock): no time limits. */
export const MIGRATION_TIMEOUTS: PoolTimeouts = { connectMs: 10_000, queryMs: 0 };

/** One fixed SQL statement of the hot path, under a name of its own (see preparedQuery). */
export interface PreparedStatement {
  name: string;
  text: string;
}

/**
 * Runs a fixed statement with its values and returns its rows. On Postgres it is a named prepared
 * statement: each connection parses and plans it once, then only binds and executes it (no Kysely
 * compilation either). Anywhere else — embedded PGlite, or a Kysely derived from the database
 * (transaction, withPlugin) — it is the same SQL as a plain parameterized query.
 */
export async function preparedQuery<Row>(db: Db, statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]> {
  const pool = postgresPools.get(db);
  if (!pool) return (await db.executeQuery<Row>(CompiledQuery.raw(statement.text, [...values]))).rows;
  const client = await pool.connect();
  try {
    return (await client.queryPrepared<Row>(statement.name, statement.text, values)).rows;
  } finally {
    client.release();
  }
}
