import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code here.
// The audit trail grows with every call: it becomes a table partitioned by month (native Postgres
// partitioning; PGlite 0.5 is Postgres 18 and has it too), so retention drops whole partitions
// instead of deleting rows. Each event now names its buyer, tool and every Amazon request id.
// The janitor creates the coming months' partitions; this creates those the existing rows need.

const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
const addMonths = (date: Date, months: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
const partitionName = (month: Date) => `audit_events_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events RENAME TO audit_events_v1`.execute(db);
  await sql`ALTER INDEX audit_events_order_idx RENAME TO audit_events_v1_order_idx`.execute(db);
  await sql`ALTER INDEX audit_events_pkey RENAME TO audit_events_v1_pkey`.execute(db);
  await sql`ALTER SEQUENCE audit_events_id_seq RENAME TO audit_events_v1_id_seq`.execute(db);
  await sql`
    CREATE TABLE audit_events (
      id bigserial NOT NULL,
      time timestamptz NOT NULL,
      event text NOT NULL,
      order_id text NOT NULL,
      buyer_id text,
      token_id text,
      tool_id text,
      confirmation_id text,
      capability text NOT NULL,
      marketplace_id text,
      outcome text NOT NULL,
      http_status integer NOT NULL,
      latency_ms integer NOT NULL,
      amazon_request_ids text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (time, id)
    ) PARTITION BY RANGE (time)`.execute(db);
  await sql`CREATE INDEX audit_events_order_idx ON audit_events (order_id, time, id)`.execute(db);
  await sql`CREATE INDEX audit_events_buyer_idx ON audit_events (buyer_id, time, id)`.execute(db);

  const { rows } = await sql<{ oldest: Date | null }>`SELECT min(created_at) AS oldest FROM audit_events_v1`.execute(db);
  const now = new Date();
  const oldest = rows[0]?.oldest ? new Date(rows[0].oldest) : now;
  for (let month = monthStart(oldest); month <= addMonths(now, 2); month = addMonths(month, 1)) {
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(partitionName(month))} PARTITION OF audit_events
      FOR VALUES FROM (${sql.lit(month.toISOString())}) TO (${sql.lit(addMonths(month, 1).toISOString())})`.execute(db);
  }

  await sql`
    INSERT INTO audit_events (time, event, order_id, buyer_id, token_id, tool_id, capability, marketplace_id, outcome, http_status, latency_ms, amazon_request_ids)
    SELECT date_trunc('milliseconds', a.created_at), 'capability_call', a.order_id, o.buyer_id, a.token_id, t.tool_id, a.capability, a.marketplace_id, a.outcome,
           a.http_status, a.latency_ms, CASE WHEN a.amazon_request_id IS NULL THEN '{}'::text[] ELSE ARRAY[a.amazon_request_id] END
    FROM audit_events_v1 a
    LEFT JOIN orders o ON o.order_id = a.order_id
    LEFT JOIN job_tokens t ON t.token_id = a.token_id
    ORDER BY a.id`.execute(db);
  await sql`DROP TABLE audit_events_v1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events RENAME TO audit_events_v2`.execute(db);
  await sql`ALTER INDEX audit_events_order_idx RENAME TO audit_events_v2_order_idx`.execute(db);
  await sql`ALTER INDEX audit_events_buyer_idx RENAME TO audit_events_v2_buyer_idx`.execute(db);
  await sql`ALTER INDEX audit_events_pkey RENAME TO audit_events_v2_pkey`.execute(db);
  await sql`ALTER SEQUENCE audit_events_id_seq RENAME TO audit_events_v2_id_seq`.execute(db);
  await sql`
    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      order_id text NOT NULL,
      token_id text,
      capability text NOT NULL,
      marketplace_id text,
      outcome text NOT NULL,
      http_status integer NOT NULL,
      latency_ms integer NOT NULL,
      amazon_request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    INSERT INTO audit_events (order_id, token_id, capability, marketplace_id, outcome, http_status, latency_ms, amazon_request_id, created_at)
    SELECT order_id, token_id, capability, marketplace_id, outcome, http_status, latency_ms, amazon_request_ids[array_length(amazon_request_ids, 1)], time
    FROM audit_events_v2 ORDER BY time, id`.execute(db);
  await sql`DROP TABLE audit_events_v2`.execute(db);
  await sql`CREATE INDEX audit_events_order_idx ON audit_events (order_id, id)`.execute(db);
}
