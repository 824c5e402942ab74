import type { LookupCache } from '../cache/lookup-cache.js';
import type { Db } from '../db/database.js';
import { findConnection } from './repository.js';
import type { Connection } from './types.js';

export type ConnectionCache = LookupCache<Connection | null>;

/**
 * findConnection through the in-process cache: the answer (none included) is kept up to a few minutes
 * and dropped on every instance when any connection or authorization of the buyer changes.
 */
export function lookupConnection(db: Db, cache: ConnectionCache, buyerId: string, marketplaceId?: string): Promise<Connection | null> {
  return cache.get(`${buyerId}\n${marketplaceId ?? ''}`, () => findConnection(db, buyerId, marketplaceId), () => [`buyer:${buyerId}`]);
}
