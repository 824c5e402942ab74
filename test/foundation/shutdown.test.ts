import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, SEED, startSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, DATABASE_URL, randomSuffix, REDIS_URL, type TestDatabase } from '../helpers/app.js';
import { DIST, ensureBuild } from '../helpers/build.js';
import { missing } from '../helpers/services.js';

/**
 * SIGTERM to the compiled broker in production mode (Postgres, Redis, a call in flight at Amazon,
 * an idle keep-alive connection): it stops accepting, answers the call, flushes the audit, closes
 * everything and exits 0 by itself; past SHUTDOWN_TIMEOUT_MS it exits 1 naming what was still open.
 */
const NA = SEED.sellers.NA;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const SUMMARY = { capability: 'orders.summary', provider: 'amazon', params: { marketplace_id: 'ATVPDKIKX0DER', start_date: `${day(-7)}T00:00:00Z`, end_date: `${day(0)}T00:00:00Z`, granularity: 'DAY' } };

interface Broker {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | null>;
  internalKey: string;
}

let sim: RunningSimulator;
let database: TestDatabase;
beforeAll(async () => {
  if (!DATABASE_URL || !REDIS_URL) return;
  await ensureBuild();
  sim = await startSimulator({ rateLimits: false });
  database = await createTestDatabase();
}, 240_000);
afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

async function startBroker(env: Record<string, string> = {}): Promise<Broker> {
  const internalKey = `internal-${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, [path.join(DIST, 'server.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      BROKER_MODE: 'production',
      DATABASE_URL: database.url as string,
      REDIS_URL: REDIS_URL as string,
      REDIS_KEY_PREFIX: `shutdown:${randomSuffix()}:`,
      INTERNAL_API_KEY: internalKey,
      VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      LWA_CLIENT_ID: SEED.lwa.clientId,
      LWA_CLIENT_SECRET: SEED.lwa.clientSecret,
      LWA_TOKEN_URL: sim.lwaTokenUrl,
      SPAPI_ENDPOINT_NA: sim.endpoints.NA,
      SPAPI_ENDPOINT_EU: sim.endpoints.EU,
      SPAPI_ENDPOINT_FE: sim.endpoints.FE,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) resolve(listening[1]!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`broker exited ${code}:\n${output}`)));
  });
  return { child, baseUrl, output: () => output, exited, internalKey };
}

/** A connected buyer and a job token for orders.summary, through the broker's own API. */
async function jobToken(broker: Broker): Promise<{ token: string; orderId: string }> {
  const headers = { authorization: `Bearer ${broker.internalKey}`, 'content-type': 'application/json' };
  const buyerId = `buyer-${randomSuffix()}`;
  const orderId = `order-${randomSuffix()}`;
  const connected = await fetch(`${broker.baseUrl}/internal/buyers/${buyerId}/amazon/connections`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' }),
  });
  expect(connected.status).toBe(201);
  const minted = await fetch(`${broker.baseUrl}/internal/job-tokens`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ order_id: orderId, buyer_id: buyerId, tool_id: 'tool-shutdown', capabilities: ['orders.summary'] }),
  });
  return { token: ((await minted.json()) as { data: { job_token: string } }).data.job_token, orderId };
}

/** A keep-alive connection that answered once and now sits idle. */
async function idleKeepAlive(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const closed = new Promise<void>((resolve) => {
    http.get(`${baseUrl}/healthz`, { agent }, (response) => {
      response.resume();
      response.socket.once('close', () => resolve());
    });
  });
  return { agent, closed };
}

const startCall = (broker: Broker, token: string) =>
  fetch(`${broker.baseUrl}/api/capabilities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(SUMMARY) });

/** Until the simulator holds the broker's call (so it is in flight when the signal arrives). */
const amazonCallsSoFar = () => sim.stats.requests.filter((r) => r.operation !== 'lwaToken').length;

const refusesConnections = (baseUrl: string) =>
  fetch(`${baseUrl}/healthz`, { headers: { connection: 'close' } }).then(
    () => false,
    () => true,
  );

describe.skipIf(missing('Postgres', 'Redis'))('SIGTERM in production mode (compiled broker, Postgres, Redis)', () => {
  it('finishes the call in flight, closes idle keep-alive connections, flushes the audit and exits 0 by itself', async () => {
    const broker = await startBroker({ SHUTDOWN_TIMEOUT_MS: '20000' });
    const { token, orderId } = await jobToken(broker);
    const keepAlive = await idleKeepAlive(broker.baseUrl);
    sim.faults.latencyMs = 3_000;
    const before = amazonCallsSoFar();
    const call = startCall(broker, token);
    await expect.poll(amazonCallsSoFar, { timeout: 20_000 }).toBeGreaterThan(before);

    broker.child.kill('SIGTERM');
    await expect.poll(() => refusesConnections(broker.baseUrl), { timeout: 10_000 }).toBe(true);
    await keepAlive.closed;
    const answer = await call;
    expect(answer.status).toBe(200);
    expect(await broker.exited).toBe(0);
    sim.faults.latencyMs = 0;
    keepAlive.agent.destroy();
    expect(broker.output()).toContain('closed: every connection, pool and timer');
    expect(broker.output()).not.toContain('deadline');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const audited = await client.query('SELECT outcome, http_status FROM audit_events WHERE order_id = $1', [orderId]);
    await client.end();
    expect(audited.rows).toEqual([{ outcome: 'OK', http_status: 200 }]);
  }, 120_000);

  it('exits 1 when the deadline passes, saying what was still open', async () => {
    const broker = await startBroker({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const { token } = await jobToken(broker);
    sim.faults.stall('getOrderMetrics');
    try {
      const before = amazonCallsSoFar();
      const call = startCall(broker, token).catch(() => undefined);
      await expect.poll(amazonCallsSoFar, { timeout: 20_000 }).toBeGreaterThan(before);
      broker.child.kill('SIGTERM');
      expect(await broker.exited).toBe(1);
      await call;
    } finally {
      sim.faults.reset();
    }
    const line = broker.output().split('\n').find((l) => l.includes('shutdown deadline of 1000 ms passed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ in_flight_requests: 1, open_connections: 1, active_resources: expect.any(Object) });
  }, 120_000);
});
