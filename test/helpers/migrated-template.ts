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
export interface TestRun {
  /** The migrated database that test databases are copied from (none for embedded runs). */
  template: string | undefined;
  /** Every test database of the run is named with this prefix, so the run can drop what it left. */
  databasePrefix: string;
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
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

/** Migrates the run's template on the server; the answer drops it and every test database the run left. */
export async function startServerRun(serverUrl: string): Promise<{ run: TestRun; finish(): Promise<void> }> {
  const id = randomBytes(4).toString('hex');
  const template = `broker_template_${id}`;
  const databasePrefix = `broker_test_${id}_`;
  await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
  // Not connected to afterwards: Postgres copies only a template nobody is connected to.
  const db = createDatabase({ databaseUrl: withDatabaseName(serverUrl, template), dataDir: 'memory://' });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return {
    run: { template, databasePrefix },
    async finish() {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        const left = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [databasePrefix]);
        for (const { datname } of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
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
