import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './schema.js';
import { createResilientPool, DEFAULT_POOL_TIMEOUTS, type PoolTimeouts } from './resilient-pool.js';

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

/** The PGlite behind an embedded database (its notifications are heard in process), else undefined. */
export const embeddedPglite = (db: Db): PGlite | undefined => embedded.get(db);

/**
 * Postgres through `pg` when DATABASE_URL is set; otherwise embedded PGlite under `dataDir`
 * (`memory://` keeps it in memory, for tests). Same schema, same migrations.
 */
export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    const pool = createResilientPool(options.databaseUrl, options.timeouts ?? DEFAULT_POOL_TIMEOUTS, options.onConnectionError ?? (() => {}));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
