import { createDatabase, MIGRATION_TIMEOUTS } from './database.js';
import { migrateToLatest } from './migrator.js';

// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
const db = createDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.BROKER_DATA_DIR ?? './.data', timeouts: MIGRATION_TIMEOUTS });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
