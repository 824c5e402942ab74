import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, type BuildOverrides } from '../../src/app.js';
import { assertConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { migratedEmbeddedDump, withDatabaseName } from './migrated-template.js';

/**
 * Test apps run against the machine's real Postgres and Redis when DATABASE_URL / REDIS_URL are
 * set (CI sets them), each test app in a database of its own and under a Redis prefix of its own;
 * otherwise against embedded PGlite and the in-process store.
 */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;

export const randomSuffix = () => randomBytes(6).toString('hex');

export interface TestDatabase {
  url: string | undefined;
  drop(): Promise<void>;
}

/** The run's migrated template (test/global-setup.ts), or undefined outside a vitest run. */
function migratedTemplate(): string | undefined {
  try {
    return inject('migratedTemplate');
  } catch {
    return undefined; // imported by a script (bench/), not by a test
  }
}

/**
 * A fresh database on the real server (or nothing to do for PGlite in memory): empty, or with
 * `migrated` a copy of the run's migrated template — the same tables migrations would create, in a
 * fraction of the time (the app's own migration step then finds nothing to do).
 */
export async function createTestDatabase(serverUrl: string | undefined = DATABASE_URL, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const template = options.migrated && serverUrl === DATABASE_URL ? migratedTemplate() : undefined;
  const name = `broker_test_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  return {
    url: withDatabaseName(serverUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** An in-memory PGlite loaded from this worker's migrated dump, where the app would otherwise create and migrate one. */
let embeddedDump: Promise<Blob> | undefined;
async function embeddedCopy(config: Config): Promise<Db | undefined> {
  if (config.databaseUrl || !config.dataDir.startsWith('memory://')) return undefined;
  embeddedDump ??= migratedEmbeddedDump();
  return new Kysely<Database>({ dialect: new PGliteDialect(new PGlite({ loadDataDir: await embeddedDump })) });
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return assertConfig({
    port: 0,
    host: '127.0.0.1',
    mode: 'sandbox',
    dataDir: 'memory://',
    redisKeyPrefix: `test:${randomSuffix()}:`,
    internalApiKey: `internal-${randomBytes(16).toString('hex')}`,
    vaultKeys: `k1:${randomBytes(32).toString('base64')}`,
    lwaClientId: 'sandbox-client',
    lwaClientSecret: 'sandbox-secret',
    lwaTokenUrl: 'http://127.0.0.1:9/auth/o2/token',
    spapiAppId: 'amzn1.sellerapps.app.test',
    spapiAppIsDraft: false,
    spapiEndpoints: { NA: 'http://127.0.0.1:9', EU: 'http://127.0.0.1:9', FE: 'http://127.0.0.1:9' },
    spapiTimeoutMs: 5_000,
    quotaMaxWaitMs: 3_000,
    frontDoorPerMinute: 10_000,
    internalPerMinute: 10_000,
    failedAuthPerMinute: 10_000,
    logLevel: 'silent',
    migrateOnStart: true,
    trustProxy: false,
    bodyLimitBytes: 5 * 1024 * 1024,
    auditRetentionDays: 365,
    shutdownTimeoutMs: 10_000,
    ...(REDIS_URL ? { redisUrl: REDIS_URL } : {}),
    ...overrides,
  });
}

/** Points a config at a running simulator (its LWA and its regional endpoints). */
export function simulatorConfig(sim: { lwaTokenUrl: string; endpoints: { NA: string; EU: string; FE: string } }): Partial<Config> {
  return { lwaTokenUrl: sim.lwaTokenUrl, spapiEndpoints: { ...sim.endpoints } };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  /** Log lines written so far (when built with captureLogs). */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions extends BuildOverrides {
  /** Share an existing database (a second instance of the same deployment). */
  database?: TestDatabase;
  captureLogs?: boolean;
}

export async function buildTestApp(overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const ownDatabase = options.database ? undefined : await createTestDatabase(DATABASE_URL, { migrated: true });
  const database = options.database ?? ownDatabase!;
  const config = testConfig({ ...(database.url ? { databaseUrl: database.url } : {}), ...overrides });
  const ownEmbedded = options.db ? undefined : await embeddedCopy(config);
  const logs: string[] = [];
  const logStream = options.captureLogs
    ? new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          callback();
        },
      })
    : options.logStream;
  const app = await buildApp(options.captureLogs ? { ...config, logLevel: 'debug' as const } : config, {
    ...options,
    ...(ownEmbedded ? { db: ownEmbedded } : {}),
    ...(logStream ? { logStream } : {}),
  });
  await app.ready();
  return {
    app,
    config,
    logs,
    async close() {
      await app.close();
      await ownEmbedded?.destroy();
      await ownDatabase?.drop();
    },
  };
}

export const internalHeaders = (config: Config) => ({ authorization: `Bearer ${config.internalApiKey}` });

export interface MintOptions {
  orderId?: string;
  buyerId?: string;
  toolId?: string;
  capabilities?: string[];
  autoApply?: string[];
  ttlSeconds?: number;
}

export async function mintToken(testApp: Pick<TestApp, 'app' | 'config'>, options: MintOptions = {}) {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/internal/job-tokens',
    headers: internalHeaders(testApp.config),
    payload: {
      order_id: options.orderId ?? `order-${randomSuffix()}`,
      buyer_id: options.buyerId ?? `buyer-${randomSuffix()}`,
      tool_id: options.toolId ?? 'tool-test',
      capabilities: options.capabilities ?? ['connect.status'],
      ...(options.autoApply ? { auto_apply: options.autoApply } : {}),
      ...(options.ttlSeconds ? { ttl_seconds: options.ttlSeconds } : {}),
    },
  });
  if (response.statusCode !== 201) throw new Error(`mint failed: ${response.statusCode} ${response.body}`);
  const data = response.json().data as { job_token: string; token_id: string; expires_at: string };
  return { jobToken: data.job_token, tokenId: data.token_id, expiresAt: data.expires_at };
}

export async function callCapability(
  app: FastifyInstance,
  jobToken: string | undefined,
  capability: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/capabilities',
    headers: { ...(jobToken ? { authorization: `Bearer ${jobToken}` } : {}), ...headers },
    payload: { capability, provider: 'amazon', params },
  });
}
