import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * audit_events is partitioned by month of `time` (audit_events_YYYY_MM, UTC months). The janitor
 * creates the coming months ahead of time and drops the months wholly past retention; a write that
 * finds no partition (janitor late) creates its month and retries (src/audit/audit-log.ts).
 * Idempotent: several instances may run it at once.
 */
const PARTITION = /^audit_events_(\d{4})_(\d{2})$/;
const DAY_MS = 86_400_000;

export const monthStart = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
const addMonths = (month: Date, months: number) => new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + months, 1));
export const partitionName = (month: Date) => `audit_events_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

// Two instances creating the same partition at once: one wins, the other sees one of these.
const ALREADY_THERE = new Set(['42P07', '23505']);

export async function createMonthPartition(db: Db, month: Date): Promise<void> {
  const start = monthStart(month);
  try {
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(partitionName(start))} PARTITION OF audit_events
      FOR VALUES FROM (${sql.lit(start.toISOString())}) TO (${sql.lit(addMonths(start, 1).toISOString())})`.execute(db);
  } catch (error) {
    if (!ALREADY_THERE.has((error as { code?: string }).code ?? '')) throw error;
  }
}

export async function listPartitions(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname`.execute(db);
  return rows.map((row) => row.name);
}

export interface PartitionMaintenance {
  created: string[];
  dropped: string[];
}

/** Creates this month and `monthsAhead` more; drops every month that ended more than `retentionDays` ago. */
export async function maintainAuditPartitions(db: Db, retentionDays: number, now = new Date(), monthsAhead = 2): Promise<PartitionMaintenance> {
  const existing = new Set(await listPartitions(db));
  const created: string[] = [];
  for (let i = 0; i <= monthsAhead; i++) {
    const month = addMonths(monthStart(now), i);
    if (existing.has(partitionName(month))) continue;
    await createMonthPartition(db, month);
    created.push(partitionName(month));
  }
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const dropped: string[] = [];
  for (const name of existing) {
    const match = PARTITION.exec(name);
    if (!match) continue;
    const end = addMonths(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)), 1);
    // Whole months only: a month is kept until its last event is older than the retention.
    if (end.getTime() > cutoff) continue;
    await sql`DROP TABLE IF EXISTS ${sql.id(name)}`.execute(db);
    dropped.push(name);
  }
  return { created, dropped };
}
