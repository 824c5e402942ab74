import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { CAPABILITY_NAMES } from './capabilities/index.js';
import type { Config } from './config.js';
import { connectSeller } from './connections/service.js';
import { findConnection } from './connections/repository.js';
import { startSimulator, type RunningSimulator } from './simulator/index.js';

/**
 * Sandbox mode (docs/sandbox.md): nothing configured, the project's own SP-API simulator stands in for
 * Amazon, and a demo buyer is connected so the printed curl works at once. The generated internal
 * and vault keys are kept under the data folder so a restart can still read what it stored.
 */
export const DEMO_BUYER = 'demo-buyer';

interface SandboxSecrets {
  internalApiKey: string;
  vaultKeys: string;
}

async function sandboxSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<SandboxSecrets> {
  const file = path.join(config.dataDir, 'sandbox-secrets.json');
  let saved: Partial<SandboxSecrets> = {};
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as SandboxSecrets;
  } catch {
    // first start
  }
  const secrets = {
    internalApiKey: env.INTERNAL_API_KEY ?? saved.internalApiKey ?? `sandbox-${randomBytes(18).toString('base64url')}`,
    vaultKeys: env.VAULT_KEYS ?? saved.vaultKeys ?? `sandbox:${randomBytes(32).toString('base64')}`,
  };
  if (!config.databaseUrl && !config.dataDir.startsWith('memory://')) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

export interface Sandbox {
  config: Config;
  simulator: RunningSimulator;
}

/** Starts the simulator and points the config at it. */
export async function prepareSandbox(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Sandbox> {
  const simulator = await startSimulator({ port: Number(env.SIMULATOR_PORT ?? 0) });
  const secrets = await sandboxSecrets(config, env);
  return {
    simulator,
    config: {
      ...config,
      ...secrets,
      lwaClientId: 'sandbox-client',
      lwaClientSecret: 'sandbox-secret',
      lwaTokenUrl: simulator.lwaTokenUrl,
      spapiEndpoints: { ...simulator.endpoints },
    },
  };
}

/**
 * The simulator keeps its state in memory, so a restart brings back Amazon's seeded world. The
 * broker's sandbox data (tokens, orders, confirmations, report ids, connections, audit) is emptied
 * at start with it, so nothing points at feeds, reports or applied writes the simulator forgot.
 * The banner says so. Only sandbox mode calls this.
 */
export async function resetSandboxData(app: FastifyInstance): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_migration%'`.execute(app.services.db);
  if (rows.length === 0) return;
  await sql`truncate table ${sql.join(rows.map((row) => sql.table(row.tablename)))} cascade`.execute(app.services.db);
}

export async function seedDemoBuyer(app: FastifyInstance): Promise<void> {
  if (await findConnection(app.services.db, DEMO_BUYER)) return;
  await connectSeller(app.services, { buyerId: DEMO_BUYER, region: 'NA', sellingPartnerId: 'A1SANDBOXNA0001', refreshToken: 'Atzr|sandbox-na' });
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export function sandboxBanner(config: Config, baseUrl: string): string {
  const mint = JSON.stringify({
    order_id: `demo-order-${randomBytes(3).toString('hex')}`,
    buyer_id: DEMO_BUYER,
    tool_id: 'demo-tool',
    capabilities: CAPABILITY_NAMES,
  });
  const call = JSON.stringify({
    capability: 'orders.summary',
    provider: 'amazon',
    params: { start_date: `${day(-7)}T00:00:00Z`, end_date: `${day(0)}T00:00:00Z`, granularity: 'DAY' },
  });
  return [
    '',
    'SellerShorts capability broker — SANDBOX MODE (SP-API simulator, embedded storage; nothing reaches Amazon)',
    `  listening on      ${baseUrl}   (API docs: ${baseUrl}/docs)`,
    `  internal API key  ${config.internalApiKey}`,
    `  demo buyer        ${DEMO_BUYER} (connected to simulated seller A1SANDBOXNA0001: US, CA, MX)`,
    `  seeded world      docs/sandbox.md; the simulator lists it at ${config.spapiEndpoints.NA}/_sim/fixtures`,
    "  each start        resets the broker's sandbox data (tokens, orders, confirmations, report ids): the simulator starts again from its seeded world",
    '',
    `Mint a job token for all ${CAPABILITY_NAMES.length} capabilities and call orders.summary (README: Quick start has a read, a report and a write):`,
    '',
    `TOKEN=$(curl -s -X POST ${baseUrl}/internal/job-tokens -H 'authorization: Bearer ${config.internalApiKey}' -H 'content-type: application/json' -d '${mint}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.job_token')`,
    `curl -s -X POST ${baseUrl}/api/capabilities -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '${call}'`,
    '',
  ].join('\n');
}
