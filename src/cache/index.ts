import type { Logger } from 'pino';
import type { TokenCache } from '../auth/job-tokens.js';
import type { ConnectionCache } from '../connections/lookup.js';
import { embeddedPglite, type Db } from '../db/database.js';
import { type InvalidationFeed, PgInvalidationFeed, PgliteInvalidationFeed } from './invalidation-feed.js';
import { LookupCache } from './lookup-cache.js';

/**
 * The in-process caches of the hot path (issue 13): job tokens with their order, and connections.
 * Invalidated through Postgres LISTEN/NOTIFY on a dedicated connection (server Postgres) or in
 * process (embedded PGlite, one instance). Without a feed, or while it is down, they pass through.
 */
export interface LookupCaches {
  feed: InvalidationFeed | undefined;
  tokens: TokenCache;
  connections: ConnectionCache;
  close(): Promise<void>;
}

export async function createLookupCaches(deps: { databaseUrl: string | undefined; db: Db; log: Logger; ttlMs?: number }): Promise<LookupCaches> {
  const feed = await startFeed(deps);
  const options = deps.ttlMs === undefined ? {} : { ttlMs: deps.ttlMs };
  return {
    feed,
    tokens: new LookupCache(feed, options),
    connections: new LookupCache(feed, options),
    close: async () => feed?.close(),
  };
}

async function startFeed({ databaseUrl, db, log }: { databaseUrl: string | undefined; db: Db; log: Logger }): Promise<InvalidationFeed | undefined> {
  if (databaseUrl) {
    const feed = new PgInvalidationFeed({ connectionString: databaseUrl, log });
    await feed.start();
    return feed;
  }
  const pglite = embeddedPglite(db);
  if (!pglite) return undefined;
  const feed = new PgliteInvalidationFeed(pglite);
  await feed.start();
  return feed;
}
