import { sql } from 'kysely';
import type { ClosedConfirmation } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { ConfirmationStatus } from '../db/schema.js';
import type { StoredError, StoredPreview } from './types.js';

/**
 * The confirmations table as plain functions (Kysely style). Every state change is one conditional
 * UPDATE, so two broker instances never both move the same confirmation:
 *   pending → applying (claim) → applied | amazon_rejected | failed,   applying → pending (released, nothing sent),
 *   pending → rejected | expired.
 * A claim is identified by the `updated_at` it wrote: finishing compares it, so an instance whose
 * lease was taken over cannot overwrite the new owner's outcome.
 */
export interface ConfirmationRecord {
  id: string;
  orderId: string;
  buyerId: string;
  tokenId: string;
  capability: string;
  marketplaceId: string;
  region: string;
  /** What the capability's stage decided its apply takes (stored as JSON, read back as it was). */
  params: unknown;
  preview: StoredPreview;
  status: ConfirmationStatus;
  result: unknown;
  error: StoredError | null;
  expiresAt: Date;
  appliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Whether the order was deleted since. */
  orderDeleted: boolean;
  /** The tool whose token staged it (for the audit). */
  toolId: string | null;
}

export type NewConfirmation = Omit<ConfirmationRecord, 'result' | 'error' | 'appliedAt' | 'createdAt' | 'updatedAt' | 'orderDeleted' | 'toolId' | 'status'> & {
  status: 'pending' | 'applying';
  now: Date;
};

const selectRecord = (db: Db) =>
  db
    .selectFrom('confirmations as c')
    .leftJoin('orders as o', 'o.order_id', 'c.order_id')
    .leftJoin('job_tokens as t', 't.token_id', 'c.token_id')
    .selectAll('c')
    .select(['o.deleted_at as order_deleted_at', 't.tool_id']);

type Row = Awaited<ReturnType<ReturnType<typeof selectRecord>['executeTakeFirstOrThrow']>>;

const toRecord = (row: Row): ConfirmationRecord => ({
  id: row.id,
  orderId: row.order_id,
  buyerId: row.buyer_id,
  tokenId: row.token_id,
  capability: row.capability,
  marketplaceId: row.marketplace_id,
  region: row.region,
  params: row.params,
  preview: row.preview as StoredPreview,
  status: row.status,
  result: row.result ?? null,
  error: (row.error as StoredError | null) ?? null,
  expiresAt: row.expires_at,
  appliedAt: row.applied_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  orderDeleted: row.order_deleted_at !== null && row.order_deleted_at !== undefined,
  toolId: row.tool_id ?? null,
});

export async function insertConfirmation(db: Db, c: NewConfirmation): Promise<void> {
  await db
    .insertInto('confirmations')
    .values({
      id: c.id,
      order_id: c.orderId,
      buyer_id: c.buyerId,
      token_id: c.tokenId,
      capability: c.capability,
      marketplace_id: c.marketplaceId,
      region: c.region,
      params: JSON.stringify(c.params),
      preview: JSON.stringify(c.preview),
      status: c.status,
      expires_at: c.expiresAt,
      created_at: c.now,
      updated_at: c.now,
    })
    .execute();
}

export async function findConfirmation(db: Db, id: string): Promise<ConfirmationRecord | undefined> {
  const row = await selectRecord(db).where('c.id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** pending → applying, unless someone else got there first or it expired. Returns the claim (its updated_at). */
export async function claimPending(db: Db, id: string, now = new Date()): Promise<Date | undefined> {
  const result = await db
    .updateTable('confirmations')
    .set({ status: 'applying', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? now : undefined;
}

/** Takes over an `applying` claim whose owner's lease ran out (only the exact claim seen). */
export async function takeOverClaim(db: Db, id: string, staleClaim: Date, now = new Date()): Promise<Date | undefined> {
  const result = await db
    .updateTable('confirmations')
    .set({ updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'applying')
    .where('updated_at', '=', staleClaim)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? now : undefined;
}

type Outcome =
  | { status: 'applied' | 'amazon_rejected'; result: unknown }
  | { status: 'failed'; error: StoredError }
  | { status: 'pending' };

function outcomeColumns(outcome: Outcome, now: Date) {
  switch (outcome.status) {
    case 'applied':
      return { status: outcome.status, result: JSON.stringify(outcome.result ?? null), applied_at: now, updated_at: now };
    case 'amazon_rejected':
      return { status: outcome.status, result: JSON.stringify(outcome.result ?? null), updated_at: now };
    case 'failed':
      return { status: outcome.status, error: JSON.stringify(outcome.error), updated_at: now };
    case 'pending':
      return { status: outcome.status, updated_at: now };
  }
}

/** Ends a claim: applied (or refused by Amazon) with its result, failed with its error, or released back to pending. */
export async function finishClaim(db: Db, id: string, claim: Date, outcome: Outcome): Promise<boolean> {
  const set = outcomeColumns(outcome, new Date());
  const result = await db
    .updateTable('confirmations')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'applying')
    .where('updated_at', '=', claim)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The closed confirmation with its token's tool, for the audit (a data-modifying CTE: one statement). */
function closePending(db: Db, status: 'rejected' | 'expired', now: Date, scope: { id: string } | { orderId: string } | 'all') {
  return db
    .with('closed', (qb) => {
      let update = qb.updateTable('confirmations').set({ status, updated_at: now }).where('status', '=', 'pending');
      if (status === 'expired') update = update.where('expires_at', '<=', now);
      if (scope !== 'all') update = 'id' in scope ? update.where('id', '=', scope.id) : update.where('order_id', '=', scope.orderId);
      return update.returning(['id', 'order_id', 'buyer_id', 'token_id', 'capability', 'marketplace_id']);
    })
    .selectFrom('closed')
    .leftJoin('job_tokens as t', 't.token_id', 'closed.token_id')
    .select(['closed.id', 'closed.order_id', 'closed.buyer_id', 'closed.token_id', 'closed.capability', 'closed.marketplace_id', 't.tool_id'])
    .execute();
}

/** pending → rejected; the closed confirmation, or undefined when it was not pending. */
export async function rejectPending(db: Db, id: string): Promise<ClosedConfirmation | undefined> {
  return (await closePending(db, 'rejected', new Date(), { id }))[0];
}

/** Closes the pending confirmations past their expiry (of one confirmation, one order, or all) and returns them. */
export async function expireDue(db: Db, scope: { id: string } | { orderId: string } | 'all', now = new Date()): Promise<ClosedConfirmation[]> {
  return closePending(db, 'expired', now, scope);
}

export async function listConfirmations(db: Db, orderId: string, limit = 500): Promise<ConfirmationRecord[]> {
  const rows = await selectRecord(db).where('c.order_id', '=', orderId).orderBy('c.created_at', 'asc').orderBy('c.id', 'asc').limit(limit).execute();
  return rows.map(toRecord);
}

/** A review request for this Amazon order that is staged, being sent or sent, by any of the buyer's orders. */
export async function findOpenReviewRequest(db: Db, buyerId: string, amazonOrderId: string): Promise<ConfirmationRecord | undefined> {
  const row = await selectRecord(db)
    .where('c.buyer_id', '=', buyerId)
    .where('c.capability', '=', 'messaging.request_review')
    .where((eb) =>
      eb.or([eb('c.status', 'in', ['applying', 'applied']), eb.and([eb('c.status', '=', 'pending'), eb('c.expires_at', '>', new Date())])]),
    )
    .where(sql<string>`c.params->>'amazon_order_id'`, '=', amazonOrderId)
    .orderBy('c.created_at', 'desc')
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}
