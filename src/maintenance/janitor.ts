import type { Logger } from 'pino';
import { type AuditSink, authorizationEvent, confirmationClosedEvent } from '../audit/audit.js';
import { maintainAuditPartitions, type PartitionMaintenance } from '../audit/partitions.js';
import { expireDue } from '../confirmations/repository.js';
import { expirePendingAuthorizations } from '../connections/pending.js';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Rows whose purpose has passed are deleted, so tables stay the size of what is live:
 * Idempotency-Key records after their 24 h, OAuth states a day after they lapse, report bindings
 * after Amazon's own 90-day retention, pending confirmations past their expiry closed (and audited),
 * Amazon authorizations left unconfirmed past their 10 minutes closed with their refresh token erased
 * (and audited), their rows deleted a day later.
 * The audit trail keeps AUDIT_RETENTION_DAYS: its monthly partitions are created ahead and dropped
 * whole once past retention. Idempotent statements: several instances may run them at the same time.
 */
const DAY_MS = 86_400_000;

export interface JanitorResult {
  idempotencyRecords: number;
  oauthStates: number;
  reportBindings: number;
  expiredConfirmations: number;
  /** Unconfirmed Amazon authorizations closed, refresh token erased. */
  expiredAuthorizations: number;
  /** Closed pending-authorization rows deleted a day after their expiry. */
  pendingAuthorizations: number;
  auditPartitions: PartitionMaintenance;
}

export interface JanitorOptions {
  now?: Date;
  /** Where expiries are audited. */
  audit?: AuditSink;
  auditRetentionDays?: number;
}

/**
 * Deletes rows older than `before` a batch at a time: after a long backlog (the janitor stopped for
 * days) one unbounded DELETE could outlast the pool's per-query time limit and fail on every run.
 */
const DELETE_BATCH = 5_000;

type JanitorTable = 'idempotency_records' | 'oauth_states' | 'report_requests' | 'amazon_pending_authorizations';

async function deleteInBatches(db: Db, table: JanitorTable, column: 'expires_at' | 'created_at', before: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`DELETE FROM ${sql.table(table)} WHERE ctid IN (SELECT ctid FROM ${sql.table(table)} WHERE ${sql.ref(column)} <= ${before} LIMIT ${DELETE_BATCH})`.execute(db);
    const batch = Number(result.numAffectedRows ?? 0n);
    deleted += batch;
    if (batch < DELETE_BATCH) return deleted;
  }
}

export async function runJanitor(db: Db, options: JanitorOptions = {}): Promise<JanitorResult> {
  const now = options.now ?? new Date();
  const idempotency = await deleteInBatches(db, 'idempotency_records', 'expires_at', now);
  const states = await deleteInBatches(db, 'oauth_states', 'expires_at', new Date(now.getTime() - DAY_MS));
  const reports = await deleteInBatches(db, 'report_requests', 'created_at', new Date(now.getTime() - 90 * DAY_MS));
  const expired = await expireDue(db, 'all', now);
  for (const closed of expired) options.audit?.record(confirmationClosedEvent(closed, 'EXPIRED', now));
  const lapsed = await expirePendingAuthorizations(db, now);
  for (const closed of lapsed) options.audit?.record(authorizationEvent('authorization_expire', { buyerId: closed.buyerId, outcome: 'EXPIRED', httpStatus: 0 }, now));
  // Kept a day after expiry, so a late confirm is told "expired" (409) rather than "unknown" (404).
  const pending = await deleteInBatches(db, 'amazon_pending_authorizations', 'expires_at', new Date(now.getTime() - DAY_MS));
  const auditPartitions = await maintainAuditPartitions(db, options.auditRetentionDays ?? 365, now);
  return {
    idempotencyRecords: idempotency,
    oauthStates: states,
    reportBindings: reports,
    expiredConfirmations: expired.length,
    expiredAuthorizations: lapsed.length,
    pendingAuthorizations: pending,
    auditPartitions,
  };
}

export interface JanitorSchedule {
  db: Db;
  log: Logger;
  audit: AuditSink;
  auditRetentionDays: number;
  intervalMs?: number;
}

/** Runs the janitor every `intervalMs` (first run after one interval); the stop function waits for a run in progress. */
export function startJanitor({ db, log, audit, auditRetentionDays, intervalMs = 10 * 60_000 }: JanitorSchedule): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runJanitor(db, { audit, auditRetentionDays })
      .then((result) => log.debug({ ...result }, 'janitor'))
      .catch((error: unknown) => log.warn({ err: { message: (error as Error).message } }, 'janitor failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
