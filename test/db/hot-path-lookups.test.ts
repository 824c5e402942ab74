import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateJobToken, deleteOrder, mintJobToken, revokeJobToken } from '../../src/auth/job-tokens.js';
import { findConnection } from '../../src/connections/repository.js';
import { createDatabase, preparedQuery, type Db } from '../../src/db/database.js';
import { createTestDatabase, DATABASE_URL, testConfig, type TestDatabase } from '../helpers/app.js';
import { embeddedCopy } from '../helpers/databases.js';
import { missing } from '../helpers/services.js';

/**
 * The lookups a capability call makes on a cache miss (token + order, connection) are fixed
 * statements: prepared on Postgres, plain parameterized queries on embedded PGlite. Same answers on both.
 */
const US = 'ATVPDKIKX0DER';
const MX = 'A1AM78C64UM0Y8';
const suffix = () => randomBytes(5).toString('hex');

const backends: [string, () => Promise<{ db: Db; drop(): Promise<void> } | undefined>][] = [
  [
    'Postgres',
    async () => {
      if (!DATABASE_URL) return undefined;
      const database: TestDatabase = await createTestDatabase(DATABASE_URL, { migrated: true });
      const db = createDatabase({ databaseUrl: database.url, dataDir: 'unused' });
      const drop = async () => {
        await db.destroy();
        await database.drop();
      };
      return { db, drop };
    },
  ],
  [
    'embedded PGlite',
    async () => {
      const db = (await embeddedCopy(testConfig()))!;
      return { db, drop: () => db.destroy() };
    },
  ],
];

describe.each(backends)('hot-path lookups on %s', (backend, open) => {
  let db: Db;
  let opened: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    opened = await open();
    if (opened) db = opened.db;
  });
  afterAll(async () => opened?.drop());

  const mint = (orderId: string, ttlSeconds = 3600) =>
    mintJobToken(db, { orderId, buyerId: 'buyer-1', toolId: 'tool-1', capabilities: ['listings.get', 'orders.summary'], autoApply: [], ttlSeconds });
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'OK', (error: { code?: string; message: string }) => `${error.code} ${error.message}`);

  it('resolves a job token with its order, and sees revocation, expiry and deletion', async ({ skip }) => {
    if (!opened) return skip(missing('Postgres'));
    const orderId = `order-${suffix()}`;
    const { jobToken, tokenId } = await mint(orderId);
    expect(await authenticateJobToken(db, jobToken)).toEqual({
      tokenId,
      orderId,
      buyerId: 'buyer-1',
      toolId: 'tool-1',
      capabilities: ['listings.get', 'orders.summary'],
      autoApply: [],
    });
    expect(await codeOf(authenticateJobToken(db, `sst_${'A'.repeat(43)}`))).toBe('INVALID_TOKEN unknown job token');
    expect(await codeOf(authenticateJobToken(db, (await mint(orderId, -1)).jobToken))).toBe('INVALID_TOKEN job token has expired');

    const other = await mint(orderId);
    await revokeJobToken(db, tokenId);
    expect(await codeOf(authenticateJobToken(db, jobToken))).toBe('INVALID_TOKEN job token was revoked');
    expect(await codeOf(authenticateJobToken(db, other.jobToken))).toBe('OK');
    await deleteOrder(db, orderId);
    expect(await codeOf(authenticateJobToken(db, other.jobToken))).toBe(`ORDER_NOT_FOUND order ${orderId} no longer exists`);
    // An order row gone altogether (LEFT JOIN finds nothing) is no order either.
    const orphan = await mint(`order-${suffix()}`);
    await db.deleteFrom('orders').where('order_id', '=', (await authenticateJobToken(db, orphan.jobToken)).orderId).execute();
    expect(await codeOf(authenticateJobToken(db, orphan.jobToken))).toMatch(/^ORDER_NOT_FOUND/);
  });

  it('finds the default connection, a named marketplace, none, and a revoked authorization', async ({ skip }) => {
    if (!opened) return skip(missing('Postgres'));
    const buyerId = `buyer-${suffix()}`;
    const authorizationId = `auth-${suffix()}`;
    await db
      .insertInto('amazon_authorizations')
      .values({ id: authorizationId, buyer_id: buyerId, region: 'NA', selling_partner_id: 'ASELLER', refresh_token_ciphertext: 'x', status: 'active', updated_at: new Date() })
      .execute();
    // Connected in this order: US is the default; MX has no language tag kept (an older row).
    for (const [marketplaceId, languageTag] of [[US, 'en_US'], [MX, null]] as const) {
      await db
        .insertInto('amazon_connections')
        .values({ buyer_id: buyerId, marketplace_id: marketplaceId, authorization_id: authorizationId, region: 'NA', selling_partner_id: 'ASELLER', language_tag: languageTag })
        .execute();
    }
    const expected = (marketplaceId: string, languageTag: string, status = 'active') => ({
      buyerId,
      marketplaceId,
      region: 'NA',
      sellingPartnerId: 'ASELLER',
      authorizationId,
      status,
      languageTag,
    });
    expect(await findConnection(db, buyerId)).toEqual(expected(US, 'en_US'));
    expect(await findConnection(db, buyerId, MX)).toEqual(expected(MX, 'es_MX'));
    expect(await findConnection(db, buyerId, 'A1PA6795UKMFR9')).toBeNull();
    expect(await findConnection(db, `buyer-${suffix()}`)).toBeNull();
    await db.updateTable('amazon_authorizations').set({ status: 'revoked' }).where('id', '=', authorizationId).execute();
    expect(await findConnection(db, buyerId, US)).toEqual(expected(US, 'en_US', 'revoked'));

    if (backend === 'Postgres') {
      // Run one at a time, every statement used the pool's one connection, where they stay prepared.
      const prepared = await preparedQuery<{ name: string }>(db, { name: 'test_list_prepared', text: 'SELECT name FROM pg_prepared_statements' }, []);
      expect(prepared.map((row) => row.name)).toEqual(expect.arrayContaining(['job_token_with_order', 'default_connection', 'connection_for_marketplace']));
    }
  });
});
