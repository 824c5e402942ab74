import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_URL } from '../helpers/app.js';
import { missing } from '../helpers/services.js';

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public' order by tablename");
    return result.rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

/** The helper's speed-up must not change what a test starts from. */
describe.skipIf(missing('Postgres'))('test databases', () => {
  it('start empty, or with `migrated` as a copy of the run’s migrated template', async () => {
    const empty = await createTestDatabase();
    const migrated = await createTestDatabase(DATABASE_URL, { migrated: true });
    try {
      expect(await tables(empty.url as string)).toEqual([]);
      expect(await tables(migrated.url as string)).toEqual(expect.arrayContaining(['kysely_migration', 'orders', 'job_tokens', 'confirmations']));
    } finally {
      await empty.drop();
      await migrated.drop();
    }
  });
});
