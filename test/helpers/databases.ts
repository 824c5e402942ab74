import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { embeddedDatabase, type Db } from '../../src/db/database.js';
import { adminQuery, migratedEmbeddedDump, withDatabaseName, type TestRun } from './migrated-template.js';

/**
 * Databases of test apps. On a real server each is its own database, created and dropped around
 * the app; in a vitest run the migrated ones are copies of the run's template, made one ahead and
 * dropped in the background (test/global-setup.ts drops whatever is left), so no test waits on
 * Postgres creating or dropping a database — the slowest part of starting an app there.
 */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;

export interface TestDatabase {
  url: string | undefined;
  drop(): Promise<void>;
}

/** The run's template and database prefix (test/global-setup.ts), or undefined outside a vitest run. */
function testRun(): TestRun | undefined {
  try {
    return inject('testRun');
  } catch {
    return undefined; // imported by a script (bench/), not by a test
  }
}

const newName = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

/** The next copy of the template, created while the previous one was in use. */
let spareCopy: Promise<string> | undefined;
function copyOfTemplate(serverUrl: string, run: TestRun & { template: string }): Promise<string> {
  const create = async () => {
    const name = newName(run.databasePrefix);
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${run.template}`);
    return name;
  };
  const next = spareCopy ?? create();
  spareCopy = create();
  // Awaited by the next app; an error there is that app's. Until then it must not be "unhandled".
  spareCopy.catch(() => {});
  return next;
}

/**
 * A fresh database on the real server (or nothing to do for PGlite in memory): empty, or with
 * `migrated` a copy of the run's migrated template — the same tables migrations would create, in a
 * fraction of the time (the app's own migration step then finds nothing to do).
 */
export async function createTestDatabase(serverUrl: string | undefined = DATABASE_URL, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const run = serverUrl === DATABASE_URL ? testRun() : undefined;
  if (options.migrated && run?.template) {
    const name = await copyOfTemplate(serverUrl, { ...run, template: run.template });
    return {
      url: withDatabaseName(serverUrl, name),
      // Not awaited by design; a failed drop is retried by the global teardown.
      drop: async () => void adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {}),
    };
  }
  const name = newName(run?.databasePrefix ?? 'broker_test_');
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  return {
    url: withDatabaseName(serverUrl, name),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** An in-memory PGlite loaded from this worker's migrated dump, where the app would otherwise create and migrate one. */
let embeddedDump: Promise<Blob> | undefined;
export async function embeddedCopy(config: Config): Promise<Db | undefined> {
  if (config.databaseUrl || !config.dataDir.startsWith('memory://')) return undefined;
  embeddedDump ??= migratedEmbeddedDump();
  return embeddedDatabase(new PGlite({ loadDataDir: await embeddedDump }));
}
