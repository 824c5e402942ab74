import type { Db } from '../../db/database.js';
import type { ReportSpec } from './spec.js';

/**
 * `report_requests`: which orders may read which Amazon report. One row per (report, order); a
 * report reused by another order of the same seller gets a row for that order too.
 */
export interface ReportBinding {
  reportId: string;
  orderId: string;
  buyerId: string;
  sellingPartnerId: string;
  region: string;
  marketplaceId: string;
  reportType: string;
  spec: ReportSpec;
}

const parseSpec = (value: unknown): ReportSpec => (typeof value === 'string' ? JSON.parse(value) : value) as ReportSpec;

export async function findBinding(db: Db, reportId: string, orderId: string): Promise<ReportBinding | undefined> {
  const row = await db.selectFrom('report_requests').selectAll().where('report_id', '=', reportId).where('order_id', '=', orderId).executeTakeFirst();
  if (!row) return undefined;
  return {
    reportId: row.report_id,
    orderId: row.order_id,
    buyerId: row.buyer_id,
    sellingPartnerId: row.selling_partner_id,
    region: row.region,
    marketplaceId: row.marketplace_id,
    reportType: row.report_type,
    spec: parseSpec(row.request),
  };
}

export async function bindReport(db: Db, binding: ReportBinding, fingerprint: string): Promise<void> {
  await db
    .insertInto('report_requests')
    .values({
      report_id: binding.reportId,
      order_id: binding.orderId,
      buyer_id: binding.buyerId,
      selling_partner_id: binding.sellingPartnerId,
      region: binding.region,
      marketplace_id: binding.marketplaceId,
      report_type: binding.reportType,
      amazon_report_type: binding.spec.amazonReportType,
      request_fingerprint: fingerprint,
      request: JSON.stringify(binding.spec),
    })
    // One Amazon report can serve two broker report types (insights_summary and sales_traffic): a
    // resume with only the report_id answers what this order asked for last.
    .onConflict((oc) =>
      oc.columns(['report_id', 'order_id']).doUpdateSet({ report_type: binding.reportType, request: JSON.stringify(binding.spec) }),
    )
    .execute();
}

/** The seller's most recent report with this fingerprint first requested after `since`, with that first time. */
export async function findRecentReport(
  db: Db,
  sellingPartnerId: string,
  region: string,
  fingerprint: string,
  since: Date,
): Promise<{ reportId: string; firstRequestedAt: Date } | undefined> {
  const row = await db
    .selectFrom('report_requests')
    .select((eb) => ['report_id', eb.fn.min('created_at').as('first_requested_at')])
    .where('selling_partner_id', '=', sellingPartnerId)
    .where('region', '=', region)
    .where('request_fingerprint', '=', fingerprint)
    .groupBy('report_id')
    .having((eb) => eb.fn.min('created_at'), '>', since)
    .orderBy('first_requested_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { reportId: row.report_id, firstRequestedAt: new Date(row.first_requested_at as Date | string) } : undefined;
}
