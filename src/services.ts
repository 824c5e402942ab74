import type { Logger } from 'pino';
import { ImageFetcher, type ImageSourceOverrides } from './writes/image-fetch.js';
import { IMAGE_FETCH_DEFAULTS, type Config } from './config.js';
import { createDatabase, type Db, MIGRATION_TIMEOUTS } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { createSharedStore, type SharedStore } from './store/shared-store.js';
import { TokenVault } from './vault/vault.js';
import { createQuotaLimiter } from './quota/limiter.js';
import { FrontDoorCounter } from './quota/front-door-counter.js';
import type { QuotaLimiter } from './quota/types.js';
import { createAmazonApiFactory, type AmazonApiFactory } from './spapi/client.js';
import { Metrics } from './metrics.js';
import { startJanitor } from './maintenance/janitor.js';
import { FailedAuthBudget } from './auth/failed-auth-budget.js';
import { AuditLog } from './audit/audit-log.js';
import { maintainAuditPartitions } from './audit/partitions.js';
import { readinessChecks } from './readiness.js';
import { createLookupCaches, type LookupCaches } from './cache/index.js';
import { ParticipationsCache } from './connections/participations.js';

/**
 * The broker's long-lived parts, built once per app from a validated config and closed with it.
 * Routes and capabilities receive them; nothing here opens a connection at import time.
 */
export interface BrokerServices {
  config: Config;
  db: Db;
  store: SharedStore;
  log: Logger;
  vault: TokenVault;
  quota: QuotaLimiter;
  /** The front door's per-credential request counters (Redis, shared by every instance). */
  frontDoor: FrontDoorCounter;
  amazon: AmazonApiFactory;
  metrics: Metrics;
  /** Failed authentications per client address (bounds floods of guessed credentials). */
  failedAuth: FailedAuthBudget;
  /** The batching audit writer: `record` never waits; `flush()` writes what is queued. */
  audit: AuditLog;
  /** Fetches A+ images from the agent's image_url under the image URL rules. */
  images: ImageFetcher;
  /** In-process caches of token and connection lookups, invalidated through Postgres notifications. */
  caches: LookupCaches;
  /** Sellers' marketplace participations (connect.status), shared for two minutes. */
  participations: ParticipationsCache;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  db?: Db;
  store?: SharedStore;
  /** Tests only: image origins fetched without the https/public-address rules (never a config variable). */
  imageSources?: ImageSourceOverrides;
}

/** Postgres migrates through a pool of its own without time limits; PGlite is one database, so through `db`. */
async function migrateAtStart(config: Config, db: Db, dbGiven: boolean): Promise<void> {
  if (dbGiven || !config.databaseUrl) {
    await migrateToLatest(db);
    return;
  }
  const migrationDb = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: MIGRATION_TIMEOUTS });
  try {
    await migrateToLatest(migrationDb);
  } finally {
    await migrationDb.destroy();
  }
}

export async function createServices(config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<BrokerServices> {
  const db =
    overrides.db ??
    createDatabase({
      ...config,
      onConnectionError: (error) => log.warn({ err: { message: error.message } }, 'Postgres connection lost; the pool replaces it'),
    });
  const store =
    overrides.store ??
    (await createSharedStore(config.redisUrl, config.redisKeyPrefix, (error) =>
      log.warn({ err: { message: (error as Error).message } }, 'Redis unreachable at start: running degraded until it answers'),
    ));
  if (config.migrateOnStart) await migrateAtStart(config, db, Boolean(overrides.db));
  // This month's audit partition and the next ones exist before the first call (the janitor keeps it so).
  await maintainAuditPartitions(db, config.auditRetentionDays).catch((error: unknown) =>
    log.warn({ err: { message: (error as Error).message } }, 'audit partitions not checked at start; the janitor and the audit writer retry'),
  );
  const vault = new TokenVault(config.vaultKeys);
  const metrics = new Metrics();
  // RedisStore carries its own prefix (tests give each file one); the config's is the same in production.
  const redisPrefix = (store as SharedStore & { prefix?: string }).prefix ?? config.redisKeyPrefix;
  const frontDoor = new FrontDoorCounter(store.kind === 'redis' ? store.redis : undefined, `${redisPrefix}front-door:`);
  const quota = createQuotaLimiter({ config, store, log });
  const amazon = createAmazonApiFactory({ config, db, store, vault, quota, log, metrics });
  const caches = await createLookupCaches({ databaseUrl: config.databaseUrl, db, log });
  const failedAuth = new FailedAuthBudget({
    perMinute: config.failedAuthPerMinute,
    redis: store.kind === 'redis' ? store.redis : undefined,
    keyPrefix: config.redisKeyPrefix,
  });
  const audit = new AuditLog(db, log, metrics);
  const images = new ImageFetcher(
    { perImageMs: config.imageFetchTimeoutMs ?? IMAGE_FETCH_DEFAULTS.perImageMs, perApplyMs: config.imageFetchTotalMs ?? IMAGE_FETCH_DEFAULTS.perApplyMs },
    overrides.imageSources,
  );
  metrics.trackHealth({
    quotaDegraded: () => quota.degraded,
    readiness: async () => {
      const checks = await readinessChecks({ db, store, quota }, 1_000);
      return { database: checks.database === 'ok', [store.kind === 'redis' ? 'redis' : 'store']: (checks.redis ?? checks.store) === 'ok' };
    },
  });
  const stopJanitor = startJanitor({ db, log, audit, auditRetentionDays: config.auditRetentionDays });
  return {
    config,
    db,
    store,
    log,
    vault,
    quota,
    frontDoor,
    amazon,
    metrics,
    caches,
    participations: new ParticipationsCache(store),
    failedAuth,
    audit,
    images,
    async close() {
      await stopJanitor();
      // In-flight calls have finished (Fastify closes routes first): their events are queued.
      await audit.close();
      await caches.close();
      await amazon.close();
      await images.close();
      await quota.close();
      if (!overrides.store) await store.close();
      if (!overrides.db) await db.destroy();
    },
  };
}
