import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// The audit trail also records events of a buyer that belong to no order (an Amazon authorization
// confirmed or expired): their order_id is NULL. ALTER on the partitioned parent reaches every partition.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events ALTER COLUMN order_id DROP NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM audit_events WHERE order_id IS NULL`.execute(db);
  await sql`ALTER TABLE audit_events ALTER COLUMN order_id SET NOT NULL`.execute(db);
}
