import { sql } from 'kysely';
import type { Db } from './db/database.js';
import type { QuotaLimiter } from './quota/types.js';
import type { SharedStore } from './store/shared-store.js';

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

/**
 * What /readyz answers and broker_ready exports: the database and Redis (or the in-process store)
 * each 'ok' or 'unreachable', plus 'quota' while the limiter runs degraded.
 */
export async function readinessChecks(services: { db: Db; store: SharedStore; quota: Pick<QuotaLimiter, 'degraded'> }, timeoutMs = 2_000): Promise<Record<string, string>> {
  const { db, store, quota } = services;
  const checks: Record<string, string> = {};
  await withTimeout(sql`select 1`.execute(db), timeoutMs).then(
    () => (checks.database = 'ok'),
    () => (checks.database = 'unreachable'),
  );
  await withTimeout(store.ping(), timeoutMs).then(
    () => (checks[store.kind === 'redis' ? 'redis' : 'store'] = 'ok'),
    () => (checks.redis = 'unreachable'),
  );
  if (quota.degraded) checks.quota = 'degraded: local fallback limiter';
  return checks;
}
