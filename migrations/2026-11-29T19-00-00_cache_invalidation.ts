import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// Every change to a row the broker caches in process (job tokens, orders, connections and their
// authorizations) announces itself on the `broker_invalidate` channel, inside the writing
// transaction, so every instance's LISTEN connection hears it at commit — whoever wrote it.
// Payloads: `token:<token_hash>`, `order:<order_id>`, `buyer:<buyer_id>`.
const TRIGGERS = [
  ['job_tokens', 'token', 'token_hash', 'UPDATE OR DELETE'],
  ['orders', 'order', 'order_id', 'UPDATE OR DELETE'],
  ['amazon_connections', 'buyer', 'buyer_id', 'INSERT OR UPDATE OR DELETE'],
  ['amazon_authorizations', 'buyer', 'buyer_id', 'INSERT OR UPDATE OR DELETE'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, kind, column] of TRIGGERS) {
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION ${table}_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('broker_invalidate', '${kind}:' || OLD.${column}); END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.${column} IS DISTINCT FROM OLD.${column}) THEN
    PERFORM pg_notify('broker_invalidate', '${kind}:' || NEW.${column});
  END IF;
  RETURN NULL;
END $$`,
      )
      .execute(db);
  }
  for (const [table, , , events] of TRIGGERS) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${table}_invalidate ON ${table}`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_invalidate AFTER ${events} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_invalidate()`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of TRIGGERS) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${table}_invalidate ON ${table}`).execute(db);
    await sql.raw(`DROP FUNCTION IF EXISTS ${table}_invalidate()`).execute(db);
  }
}
