import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';

/**
 * Creating and migrating a database per test app is most of an app's start-up cost, so test
 * databases start as copies of one migrated database: `CREATE DATABASE … TEMPLATE` of a template
 * migrated once per run on a real server (test/global-setup.ts), or a loaded data-directory dump of
 * a PGlite migrated once per worker. No vitest import here: global setup runs outside any test.
 */
export interface MigratedTemplate {
  name: string;
  drop(): Promise<void>;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export const withDatabaseName = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** A migrated database on the server, not connected to (Postgres copies only idle templates). */
export async function createServerTemplate(serverUrl: string): Promise<MigratedTemplate> {
  const name = `broker_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const db = createDatabase({ databaseUrl: withDatabaseName(serverUrl, name), dataDir: 'memory://' });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return { name, drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A dump of a freshly migrated in-memory PGlite: what every embedded test database starts from. */
export async function migratedEmbeddedDump(): Promise<Blob> {
  const pglite = new PGlite();
  const db = new Kysely({ dialect: new PGliteDialect(pglite) });
  try {
    await migrateToLatest(db);
    // Uncompressed: loading it is then a plain copy, which is the point.
    return await pglite.dumpDataDir('none');
  } finally {
    await db.destroy();
  }
}
