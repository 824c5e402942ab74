import { createDatabase, MIGRATION_TIMEOUTS } from './database.js';
import { migrateToLatest } from './migrator.js';

/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database
 * (PGlite under BROKER_DATA_DIR, default ./.data) when it is unset. It names its target first and
 * fails with one line, never a stack, when the target cannot be reached.
 */
const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = process.env.BROKER_DATA_DIR ?? './.data';

/** The URL without its password, so the line can be pasted into a ticket. */
function describeTarget(url: string | undefined): string {
  if (!url) return `the embedded database in ${dataDir} (PGlite; set DATABASE_URL to migrate Postgres)`;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

const oneLine = (error: unknown) => {
  const message = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
  const errors = (error as { errors?: unknown[] } | undefined)?.errors;
  // pg reports an unreachable host as an AggregateError (one ECONNREFUSED per address) with no message.
  const detail = message || (Array.isArray(errors) ? errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ') : '');
  return detail.split('\n')[0] || 'unknown error';
};

const target = describeTarget(databaseUrl);
console.log(`migrating ${target}`);
const db = createDatabase({ databaseUrl, dataDir, timeouts: MIGRATION_TIMEOUTS });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error(`migrate: failed on ${target}: ${oneLine(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy().catch(() => {});
}
