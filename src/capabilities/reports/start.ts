import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { isBrokerError } from '../../errors.js';
import { hashJson } from '../read-helpers/cache.js';
import { str, type Json } from '../read-helpers/json.js';
import { createReport, getReport, type Ctx } from './amazon.js';
import { bindReport, findRecentReport } from './repository.js';
import { readResult, type CachedResult } from './result-cache.js';
import type { ReportSpec } from './spec.js';

/**
 * Starting a report: createReport allows one call a minute per seller, so an identical request
 * (same seller, marketplace, Amazon report type, dates and options) reuses a recent report — one
 * still pending or empty (CANCELLED) from the last 15 minutes, or a DONE one from the last hour.
 * FATAL reports are never reused. The reusing order gets its own binding row.
 */
export const REUSE_PENDING_MS = 15 * 60_000;
export const REUSE_DONE_MS = 60 * 60_000;
const LOCK_TTL_MS = 15_000;
const LOCK_POLL_MS = 250;


export interface StartedReport {
  reportId: string;
  created: boolean;
  /** getReport's answer when reuse already asked for it. */
  report?: Json;
  /** A finished answer of the reused report. */
  cached?: CachedResult;
}

export function reportFingerprint(ctx: Ctx, spec: ReportSpec): string {
  const options = Object.entries(spec.reportOptions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return hashJson([ctx.connection.sellingPartnerId, ctx.connection.region, spec.amazonReportType, spec.marketplaceIds, spec.dataStartTime ?? null, spec.dataEndTime ?? null, options]);
}

async function reusable(ctx: Ctx, spec: ReportSpec, fingerprint: string): Promise<Omit<StartedReport, 'created'> | undefined> {
  const now = Date.now();
  const recent = await findRecentReport(ctx.services.db, ctx.connection.sellingPartnerId, ctx.connection.region, fingerprint, new Date(now - REUSE_DONE_MS));
  if (!recent) return undefined;
  const cached = await readResult(ctx, recent.reportId, spec.reportType);
  if (cached?.kind === 'answer') return { reportId: recent.reportId, cached };
  let report: Json;
  try {
    report = await getReport(ctx, recent.reportId);
  } catch (error) {
    // Amazon keeps reports 90 days; a report it no longer knows is simply not reusable.
    if (isBrokerError(error) && error.code === 'SP_API_ERROR' && error.details?.status === 404) return undefined;
    throw error;
  }
  const status = str(report.processingStatus);
  const young = now - recent.firstRequestedAt.getTime() < REUSE_PENDING_MS;
  if (status === 'DONE' || (young && (status === 'IN_QUEUE' || status === 'IN_PROGRESS' || status === 'CANCELLED'))) {
    return { reportId: recent.reportId, report };
  }
  return undefined;
}

/**
 * A new or reused report, bound to the calling order. Identical requests racing (a retry, two
 * agents) take a short lock on the fingerprint, so the second one finds and reuses the first's report.
 */
export async function startReport(ctx: Ctx, spec: ReportSpec): Promise<StartedReport> {
  const fingerprint = reportFingerprint(ctx, spec);
  const bind = (reportId: string) =>
    bindReport(
      ctx.services.db,
      {
        reportId,
        orderId: ctx.job.orderId,
        buyerId: ctx.job.buyerId,
        sellingPartnerId: ctx.connection.sellingPartnerId,
        region: ctx.connection.region,
        marketplaceId: spec.marketplaceIds[0] ?? ctx.marketplace.id,
        reportType: spec.reportType,
        spec,
      },
      fingerprint,
    );
  const store = ctx.services.store;
  const lockKey = `reports:create-lock:${fingerprint}`;
  const lockValue = randomUUID();
  // A store outage must not block reports: then the lock is skipped.
  const tryLock = () => store.setIfAbsent(lockKey, lockValue, LOCK_TTL_MS).catch(() => true);
  let owned = await tryLock();
  for (let waited = 0; !owned && waited < LOCK_TTL_MS; waited += LOCK_POLL_MS) {
    await sleep(LOCK_POLL_MS);
    owned = await tryLock();
  }
  try {
    const reused = await reusable(ctx, spec, fingerprint);
    if (reused) {
      await bind(reused.reportId);
      return { ...reused, created: false };
    }
    const reportId = await createReport(ctx, spec);
    await bind(reportId);
    return { reportId, created: true };
  } finally {
    if (owned) await store.deleteIfEquals(lockKey, lockValue).catch(() => false);
  }
}
