import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// feeds.status looks up which order created a feed (a feed id belongs to the order that sent it).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX confirmations_feed_id ON confirmations ((result->>'feed_id')) WHERE capability = 'listings.upload_feed'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX confirmations_feed_id`.execute(db);
}
