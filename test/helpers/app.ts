import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOverrides } from '../../src/app.js';
import { assertConfig, type Config } from '../../src/config.js';
import { createTestDatabase, DATABASE_URL, embeddedCopy, type TestDatabase } from './databases.js';

/**
 * Test apps run against the machine's real Postgres and Redis when DATABASE_URL / REDIS_URL are
 * set (CI sets them), each test app in a database of its own and under a Redis prefix of its own;
 * otherwise against embedded PGlite and the in-process store.
 */
export { createTestDatabase, DATABASE_URL, type TestDatabase } from './databases.js';
export const REDIS_URL = process.env.REDIS_URL || undefined;

export const randomSuffix = () => randomBytes(6).toString('hex');

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
