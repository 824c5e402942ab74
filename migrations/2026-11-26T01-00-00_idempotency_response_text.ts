import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// jsonb reorders object keys; a replayed answer must be the first answer byte for byte.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE idempotency_records ALTER COLUMN response TYPE text USING response::text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE idempotency_records ALTER COLUMN response TYPE jsonb USING response::jsonb`.execute(db);
}
