import type { Db } from '../db/database.js';
import { BrokerError } from '../errors.js';

export interface AuditFilter {
  orderId?: string | undefined;
  buyerId?: string | undefined;
  /** Inclusive lower bound of `time`. */
  from?: Date | undefined;
  /** Exclusive upper bound of `time`. */
  to?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface AuditEventView {
  time: string;
  event: string;
  order_id: string | null;
  buyer_id: string | null;
  tool_id: string | null;
  confirmation_id: string | null;
  capability: string;
  marketplace_id: string | null;
  outcome: string;
  http_status: number;
  latency_ms: number;
  amazon_request_ids: string[];
}

/** The position after the last event of a page: its time (ms, as written) and id, opaque to callers. */
const encodeCursor = (time: Date, id: string) => Buffer.from(JSON.stringify([time.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): { time: Date; id: string } {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'string' && typeof id === 'string' && /^\d{1,19}$/.test(id) && !Number.isNaN(Date.parse(time))) {
      return { time: new Date(time), id };
    }
  } catch {
    // reported below
  }
  throw new BrokerError('INVALID_REQUEST', 'cursor is not one this endpoint returned (pass next_cursor unchanged)', { details: { field: 'cursor' } });
}

/** Events in time order (oldest first), `limit` per page; `next_cursor` is null on the last page. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<{ events: AuditEventView[]; next_cursor: string | null }> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.buyerId !== undefined) query = query.where('buyer_id', '=', filter.buyerId);
  if (filter.from) query = query.where('time', '>=', filter.from);
  if (filter.to) query = query.where('time', '<', filter.to);
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor);
    query = query.where((eb) => eb(eb.refTuple('time', 'id'), '>', eb.tuple(after.time, after.id)));
  }
  const rows = await query.orderBy('time', 'asc').orderBy('id', 'asc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    events: page.map((row) => ({
      time: row.time.toISOString(),
      event: row.event,
      order_id: row.order_id,
      buyer_id: row.buyer_id,
      tool_id: row.tool_id,
      confirmation_id: row.confirmation_id,
      capability: row.capability,
      marketplace_id: row.marketplace_id,
      outcome: row.outcome,
      http_status: row.http_status,
      latency_ms: row.latency_ms,
      amazon_request_ids: row.amazon_request_ids,
    })),
    next_cursor: rows.length > filter.limit && last ? encodeCursor(last.time, String(last.id)) : null,
  };
}
