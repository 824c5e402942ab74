import type { Logger } from 'pino';
import type { Db } from '../db/database.js';

/**
 * Rows whose purpose has passed are deleted, so tables stay the size of what is live:
 * Idempotency-Key records after their 24 h, OAuth states a day after they lapse, report bindings
 * after Amazon's own 90-day retention, pending confirmations past their expiry closed. The audit
 * trail is kept. Idempotent statements: several instances may run them at the same time.
 */
const DAY_MS = 86_400_000;

export interface JanitorResult {
  idempotencyRecords: number;
  oauthStates: number;
  reportBindings: number;
  expiredConfirmations: number;
}

export async function runJanitor(db: Db, now = new Date()): Promise<JanitorResult> {
  const idempotency = await db.deleteFrom('idempotency_records').where('expires_at', '<=', now).executeTakeFirst();
  const states = await db
    .deleteFrom('oauth_states')
    .where('expires_at', '<=', new Date(now.getTime() - DAY_MS))
    .executeTakeFirst();
  const reports = await db
    .deleteFrom('report_requests')
    .where('created_at', '<=', new Date(now.getTime() - 90 * DAY_MS))
    .executeTakeFirst();
  const confirmations = await db
    .updateTable('confirmations')
    .set({ status: 'expired', updated_at: now })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return {
    idempotencyRecords: Number(idempotency.numDeletedRows),
    oauthStates: Number(states.numDeletedRows),
    reportBindings: Number(reports.numDeletedRows),
    expiredConfirmations: Number(confirmations.numUpdatedRows),
  };
}

/** Runs the janitor every `intervalMs` (first run after one interval); returns the stop function. */
export function startJanitor(db: Db, log: Logger, intervalMs = 10 * 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runJanitor(db)
      .then((result) => log.debug({ ...result }, 'janitor'))
      .catch((error: unknown) => log.warn({ err: { message: (error as Error).message } }, 'janitor failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
