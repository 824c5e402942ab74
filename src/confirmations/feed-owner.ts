import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * The order whose confirmed listings.upload_feed created this feed, if the broker sent it. A feed
 * id belongs to that order (like a report id): another order — of the same buyer or another — is
 * told it is unknown. Feeds the seller created elsewhere belong to no order.
 */
export async function feedOwnerOrder(db: Db, feedId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('confirmations')
    .select('order_id')
    .where('capability', '=', 'listings.upload_feed')
    .where(sql<string>`result->>'feed_id'`, '=', feedId)
    .executeTakeFirst();
  return row?.order_id;
}
