import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, embeddedDatabase, preparedQuery, type Db } from '../../src/db/database.js';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from '../helpers/app.js';
import { missing } from '../helpers/services.js';

const echo = { name: 'test_echo', text: 'SELECT $1::text AS value, $2::int[] AS numbers, pg_backend_pid() AS pid' };
const listPrepared = { name: 'test_list_prepared', text: 'SELECT name FROM pg_prepared_statements ORDER BY name' };
type EchoRow = { value: string | null; numbers: number[]; pid: number };

describe.skipIf(missing('Postgres'))('preparedQuery on Postgres', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase(DATABASE_URL);
    db = createDatabase({ databaseUrl: database.url, dataDir: 'unused' });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('prepares a statement once per connection and again on a new connection after a cut', async () => {
    const [first] = await preparedQuery<EchoRow>(db, echo, ['a', [1, null, 3]]);
    const [second] = await preparedQuery<EchoRow>(db, echo, [null, []]);
    expect(first).toMatchObject({ value: 'a', numbers: [1, null, 3] });
    expect(second).toMatchObject({ value: null, numbers: [] });
    // Used one at a time, the pool hands back the same connection, which holds both statements.
    expect(second?.pid).toBe(first?.pid);
    expect((await preparedQuery<{ name: string }>(db, listPrepared, [])).map((row) => row.name)).toEqual(['test_echo', 'test_list_prepared']);

    // The connection is cut (a failover): the next call may fail once, then a new connection prepares it again.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [first!.pid]).finally(() => admin.end());
    let again: EchoRow | undefined;
    await expect
      .poll(async () => {
        again = (await preparedQuery<EchoRow>(db, echo, ['c', [4]]).catch(() => []))[0];
        return again?.value;
      })
      .toBe('c');
    expect(again?.pid).not.toBe(first?.pid);
  });

  it('is a plain query inside a transaction (which holds a connection of its own)', async () => {
    const rows = await db.transaction().execute((trx) => preparedQuery<EchoRow>(trx, echo, ['in a transaction', [5]]));
    expect(rows[0]).toMatchObject({ value: 'in a transaction', numbers: [5] });
  });
});

describe('preparedQuery on embedded PGlite', () => {
  it('runs the same SQL as a plain parameterized query', async () => {
    const db = embeddedDatabase(new PGlite());
    try {
      expect((await preparedQuery<EchoRow>(db, echo, ['a', [1, null]]))[0]).toMatchObject({ value: 'a', numbers: [1, null] });
      expect(await preparedQuery(db, listPrepared, [])).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
