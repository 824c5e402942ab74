import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// An OAuth callback no longer connects anyone by itself (RFC 6749 §10.12: a forwarded consent link
// would link a stranger's seller account): it stores the new authorization here as pending, and
// SellerShorts, which knows who is signed in, confirms it within 10 minutes. The refresh token is
// erased when the row is confirmed (it then lives in amazon_authorizations) or expires.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('amazon_pending_authorizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('selling_partner_id', 'text', (c) => c.notNull())
    .addColumn('refresh_token_ciphertext', 'text')
    .addColumn('marketplace_ids', 'jsonb', (c) => c.notNull())
    .addColumn('language_tags', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('amazon_pending_authorizations_expiry_idx').on('amazon_pending_authorizations').columns(['status', 'expires_at']).execute();
  await db.schema.createIndex('amazon_pending_authorizations_buyer_idx').on('amazon_pending_authorizations').column('buyer_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('amazon_pending_authorizations').ifExists().execute();
}
