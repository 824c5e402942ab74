import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { describeSeller, SEED } from '../src/simulator/seed.js';
import type { Call } from './load.js';
import {
  brokerEnv,
  createBenchDatabase,
  freePort,
  postJson,
  spawnServer,
  startBrokerProcess,
  startSimulatorProcess,
  type BrokerProcess,
  type ServerProcess,
} from './support.js';

/**
 * The world of bench/hot-path and bench/profile: the simulator (Amazon's quotas on) in its own
 * process, `sellers` connected sellers each with a job token for listings.get and connect.status,
 * a broker process and the floors (bench/floor.ts, bench/fastify-floor.ts) knowing the same tokens.
 */
const MARKETPLACE = SEED.marketplaces.US;

interface Seller {
  sellingPartnerId: string;
  refreshToken: string;
  sku: string;
}

export interface HotPathFixture {
  sim: ServerProcess;
  broker: BrokerProcess;
  floor: ServerProcess;
  /** The same pass-through as one route of the project's Fastify (bench/fastify-floor.ts). */
  fastifyFloor: ServerProcess;
  /** The broker's Redis key prefix and database (to count its commands and statements). */
  redisPrefix: string;
  databaseUrl: string;
  listingsCalls: Call[];
  statusCalls: Call[];
  resetQuotas(): Promise<void>;
  /** Another broker process on the same database and Redis (e.g. with BENCH_ABLATE, or another checkout's build in `cwd`), stopped by close(). */
  startBroker(extraEnv: Record<string, string>, options?: { cwd?: string; nodeOptions?: string[] }): Promise<BrokerProcess>;
  close(): Promise<void>;
}

export async function startHotPath(options: { sellers: number; workers: string; brokerNodeOptions?: string[] }): Promise<HotPathFixture> {
  // The broker runs as production does (node dist/server.js), built from the sources as they are.
  if (spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm run build failed');
  const sim = await startSimulatorProcess();
  const database = await createBenchDatabase();
  const internalKey = `bench-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = { ...brokerEnv(sim, database.url, internalKey), BROKER_WORKERS: options.workers, LOG_LEVEL: 'info' };
  let broker: BrokerProcess | undefined;
  let floor: ServerProcess | undefined;
  let fastifyFloor: ServerProcess | undefined;
  const extraBrokers: BrokerProcess[] = [];
  const close = async () => {
    for (const extra of extraBrokers) await extra.stop();
    await floor?.stop();
    await fastifyFloor?.stop();
    await broker?.stop();
    await sim.stop();
    await database.drop();
  };
  try {
    const sellers = Array.from({ length: options.sellers }, (_, i): Seller => {
      const spec = { sellingPartnerId: `A9HOT${String(i).padStart(8, '0')}`, refreshToken: `Atzr|bench-hot-${i}`, marketplaceIds: [MARKETPLACE] };
      return { ...spec, sku: describeSeller(spec).skus[0] as string };
    });
    await inBatches(sellers, 16, async (s) => {
      const added = await postJson(`${sim.url}/_sim/sellers`, { ...s, marketplaceIds: [MARKETPLACE] }, {});
      if (added.status !== 201) throw new Error(`simulator refused seller: ${JSON.stringify(added.body)}`);
    });

    // BENCH_BROKER_LOG: a file for the broker's log lines (a degraded quota limiter says so there).
    const logFile = process.env.BENCH_BROKER_LOG;
    broker = await startBrokerProcess(env, { compiled: true, nodeOptions: options.brokerNodeOptions ?? [], ...(logFile ? { logFile } : {}) });
    const internal = { authorization: `Bearer ${internalKey}` };
    const jobTokens = await inBatches(sellers, 8, async (s, i) => {
      const buyer = `buyer-hot-${i}`;
      const imported = await postJson(`${broker!.url}/internal/buyers/${buyer}/amazon/connections`, { selling_partner_id: s.sellingPartnerId, refresh_token: s.refreshToken, region: 'NA' }, internal);
      if (imported.status !== 201) throw new Error(`import failed: ${JSON.stringify(imported.body)}`);
      const minted = await postJson(`${broker!.url}/internal/job-tokens`, { order_id: `order-hot-${i}`, buyer_id: buyer, tool_id: 'bench', capabilities: ['listings.get', 'connect.status'] }, internal);
      return (minted.body.data as { job_token: string }).job_token;
    });

    // The floor gets the same job tokens, mapped to the seller and an access token of its own.
    const grants = await inBatches(sellers, 16, async (s, i) => [jobTokens[i], { sellingPartnerId: s.sellingPartnerId, marketplaceId: MARKETPLACE, accessToken: await lwaAccessToken(sim.url, s.refreshToken) }] as const);
    const tokensFile = path.join(tmpdir(), `bench-floor-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(tokensFile, JSON.stringify(grants));
    const floorPort = await freePort();
    floor = await spawnServer('bench/floor.ts', { FLOOR_PORT: String(floorPort), FLOOR_SPAPI: sim.url, FLOOR_TOKENS: tokensFile }, floorPort, 'floor ready');
    const fastifyFloorPort = await freePort();
    fastifyFloor = await spawnServer('bench/fastify-floor.ts', { FLOOR_PORT: String(fastifyFloorPort), FLOOR_SPAPI: sim.url, FLOOR_TOKENS: tokensFile }, fastifyFloorPort, 'floor ready');

    return {
      sim,
      broker,
      floor,
      fastifyFloor,
      redisPrefix: env.REDIS_KEY_PREFIX as string,
      databaseUrl: database.url,
      listingsCalls: sellers.map((s, i) => ({ token: jobTokens[i] as string, body: JSON.stringify({ capability: 'listings.get', provider: 'amazon', params: { sku: s.sku } }) })),
      statusCalls: sellers.map((_, i) => ({ token: jobTokens[i] as string, body: JSON.stringify({ capability: 'connect.status', provider: 'amazon', params: {} }) })),
      resetQuotas: () => resetQuotas(sim.url),
      startBroker: async (extraEnv, extraOptions = {}) => {
        const { nodeOptions = [], ...rest } = extraOptions;
        const extra = await startBrokerProcess({ ...env, ...extraEnv }, { compiled: true, nodeOptions: [...(options.brokerNodeOptions ?? []), ...nodeOptions], ...rest });
        extraBrokers.push(extra);
        return extra;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function lwaAccessToken(simUrl: string, refreshToken: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: SEED.lwa.clientId, client_secret: SEED.lwa.clientSecret });
  const response = await request(`${simUrl}/auth/o2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const body = (await response.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`LWA refused ${refreshToken}`);
  return body.access_token;
}

/** Full buckets for every seller, so one target's round does not eat the next one's quota. */
async function resetQuotas(simUrl: string) {
  const response = await request(`${simUrl}/_sim/reset`, { method: 'POST' });
  await response.body.dump();
}

async function inBatches<T, R>(items: T[], width: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i] as T, i);
    }),
  );
  return results;
}

