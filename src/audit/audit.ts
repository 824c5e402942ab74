import type { Db } from '../db/database.js';

export interface AuditRecord {
  orderId: string;
  tokenId: string | null;
  capability: string;
  marketplaceId: string | null;
  outcome: string;
  httpStatus: number;
  latencyMs: number;
  amazonRequestId: string | null;
}

/** Every capability call of an order is recorded; the audit trail is what support reads. */
export async function recordAudit(db: Db, record: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      order_id: record.orderId,
      token_id: record.tokenId,
      capability: record.capability.slice(0, 100),
      marketplace_id: record.marketplaceId,
      outcome: record.outcome,
      http_status: record.httpStatus,
      latency_ms: Math.round(record.latencyMs),
      amazon_request_id: record.amazonRequestId,
    })
    .execute();
}

export async function listAudit(db: Db, orderId: string, limit = 1000) {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    time: row.created_at.toISOString(),
    capability: row.capability,
    marketplace_id: row.marketplace_id,
    outcome: row.outcome,
    http_status: row.http_status,
    latency_ms: row.latency_ms,
    amazon_request_id: row.amazon_request_id,
  }));
}
