import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// Each connection keeps the language tag Amazon gives for its marketplace (getMarketplaceParticipations
// defaultLanguageCode); rows connected before stay NULL and fall back to the broker's table.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE amazon_connections ADD COLUMN language_tag text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE amazon_connections DROP COLUMN language_tag`.execute(db);
}
