import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/**
 * Postgres through `pg` when DATABASE_URL is set; otherwise embedded PGlite under `dataDir`
 * (`memory://` keeps it in memory, for tests). Same schema, same migrations.
 */
export function createDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, idleTimeoutMillis: 30_000 });
    // An idle client that loses its connection emits 'error'; the pool replaces it.
    pool.on('error', () => {});
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const inMemory = options.dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  return new Kysely<Database>({ dialect: new PGliteDialect(new PGlite(inMemory ? undefined : options.dataDir)) });
}
