import { sql } from 'kysely';
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
  params: Record<string, unknown>;
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
}

export type NewConfirmation = Omit<ConfirmationRecord, 'result' | 'error' | 'appliedAt' | 'createdAt' | 'updatedAt' | 'orderDeleted' | 'status'> & {
  status: 'pending' | 'applying';
  now: Date;
};

const selectRecord = (db: Db) =>
  db
    .selectFrom('confirmations as c')
    .leftJoin('orders as o', 'o.order_id', 'c.order_id')
    .selectAll('c')
    .select('o.deleted_at as order_deleted_at');

type Row = Awaited<ReturnType<ReturnType<typeof selectRecord>['executeTakeFirstOrThrow']>>;

const toRecord = (row: Row): ConfirmationRecord => ({
  id: row.id,
  orderId: row.order_id,
  buyerId: row.buyer_id,
  tokenId: row.token_id,
  capability: row.capability,
  marketplaceId: row.marketplace_id,
  region: row.region,
  params: row.params as Record<string, unknown>,
  preview: row.preview as StoredPreview,
  status: row.status,
  result: row.result ?? null,
  error: (row.error as StoredError | null) ?? null,
  expiresAt: row.expires_at,
  appliedAt: row.applied_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  orderDeleted: row.order_deleted_at !== null && row.order_deleted_at !== undefined,
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

export async function rejectPending(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('confirmations')
    .set({ status: 'rejected', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Closes the pending confirmations past their expiry (of one confirmation, or of one order). */
export async function expireDue(db: Db, scope: { id: string } | { orderId: string }): Promise<void> {
  const now = new Date();
  let query = db.updateTable('confirmations').set({ status: 'expired', updated_at: now }).where('status', '=', 'pending').where('expires_at', '<=', now);
  query = 'id' in scope ? query.where('id', '=', scope.id) : query.where('order_id', '=', scope.orderId);
  await query.execute();
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
