import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import type { RedisClient } from '../../src/store/redis-client.js';
import { recordCommands } from './helpers.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { missing } from '../helpers/services.js';

/**
 * POST /api/capabilities counts at the front door with its first quota reservation: one Redis
 * round trip for both. Every call still counts exactly once, however it ends, and over the limit
 * nothing reaches Amazon and nothing is staged.
 */
const LIMIT = 4;
const NA = SEED.sellers.NA;

async function connectedBuyer(testApp: TestApp) {
  const buyerId = `buyer-fd-${randomSuffix()}`;
  const imported = await testApp.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(testApp.config),
    payload: { selling_partner_id: NA.sellingPartnerId, refresh_token: 'Atzr|sandbox-na', region: 'NA' },
  });
  expect(imported.statusCode, imported.body).toBe(201);
  return buyerId;
}

const listingCalls = (sim: RunningSimulator) => sim.stats.requests.filter((r) => r.operation === 'getListingsItem').length;

function expectFrontDoorLimited(response: { statusCode: number; headers: Record<string, unknown>; json(): { error: { code: string; message: string } } }) {
  expect(response.statusCode).toBe(429);
  expect(response.json().error.code).toBe('RATE_LIMIT');
  expect(response.json().error.message).toMatch(/Too many requests with this credential; retry after \d+ s/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe.skipIf(missing('Redis'))('front door at the quota step (Redis)', () => {
  let sim: RunningSimulator;
  let testApp: TestApp;
  let buyerId: string;

  beforeAll(async () => {
    sim = await startSimulator({});
    testApp = await buildTestApp({ ...simulatorConfig(sim), frontDoorPerMinute: LIMIT });
    buyerId = await connectedBuyer(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await sim?.close();
  });

  /** The commands the app sends to Redis while `run` runs. */
  async function redisCommandsOf(run: () => Promise<unknown>): Promise<string[]> {
    const commands = recordCommands(testApp.app.services.store.redis as RedisClient);
    try {
      await run();
    } finally {
      commands.restore();
    }
    return commands.sent.map((command) => command.name);
  }

  it('takes one Redis round trip for a listings.get: the front-door count rides with the quota reservation', async () => {
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['listings.get'] });
    expect((await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    const sent = await redisCommandsOf(async () => {
      expect((await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    });
    expect(sent).toEqual(['evalsha']);
  });

  it('takes one Redis round trip for a cached connect.status: its front-door count', async () => {
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['connect.status'] });
    expect((await callCapability(testApp.app, jobToken, 'connect.status')).statusCode).toBe(200);
    const sent = await redisCommandsOf(async () => {
      expect((await callCapability(testApp.app, jobToken, 'connect.status')).statusCode).toBe(200);
    });
    expect(sent).toEqual(['evalsha']);
  });

  it('counts every call once however it ends, then refuses before Amazon is called', async () => {
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['listings.get', 'connect.status'] });
    const answers = [
      await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] }), // counted with the quota
      await callCapability(testApp.app, jobToken, 'listings.get', {}), // params refused before any quota
      await callCapability(testApp.app, jobToken, 'orders.summary', {}), // not granted
      await testApp.app.inject({ method: 'POST', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}` }, payload: { provider: 'amazon' } }), // body shape
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 400, 403, 400]);
    const before = listingCalls(sim);
    expectFrontDoorLimited(await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] }));
    expectFrontDoorLimited(await callCapability(testApp.app, jobToken, 'connect.status'));
    expect(listingCalls(sim)).toBe(before);
    // Another token of the same buyer (and seller) has its own count.
    const other = await mintToken(testApp, { buyerId, capabilities: ['listings.get'] });
    expect((await callCapability(testApp.app, other.jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
  });

  it('counts idempotent replays, and the RATE_LIMIT is not kept as the replayed answer', async () => {
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['listings.get'] });
    const call = () => callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] }, { 'idempotency-key': 'same-call' });
    const first = await call();
    expect(first.statusCode).toBe(200);
    for (let i = 1; i < LIMIT; i++) {
      const replay = await call();
      expect(replay.statusCode).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expectFrontDoorLimited(await call());
  });

  it('refuses a write over the limit before it stages anything', async () => {
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['listings.update'] });
    for (let i = 0; i < LIMIT; i++) expect((await callCapability(testApp.app, jobToken, 'listings.update', {})).statusCode).toBe(400);
    const staged = await testApp.app.services.db.selectFrom('confirmations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const response = await callCapability(testApp.app, jobToken, 'listings.update', {
      sku: NA.skus[0],
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Over the limit', marketplace_id: SEED.marketplaces.US }] }],
    });
    expectFrontDoorLimited(response);
    const after = await testApp.app.services.db.selectFrom('confirmations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(staged.n);
  });
});

describe('front door at the quota step while Redis is down', () => {
  let sim: RunningSimulator;
  let testApp: TestApp;

  beforeAll(async () => {
    sim = await startSimulator({});
    // Nothing listens on port 1: the counts and the quota fall back to this instance.
    testApp = await buildTestApp({ ...simulatorConfig(sim), redisUrl: 'redis://127.0.0.1:1', frontDoorPerMinute: 2 });
  });
  afterAll(async () => {
    await testApp?.close();
    await sim?.close();
  });

  it('still counts each call once, per instance, without waiting on Redis', async () => {
    const buyerId = await connectedBuyer(testApp);
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['listings.get'] });
    const started = performance.now();
    expect((await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    expect((await callCapability(testApp.app, jobToken, 'listings.get', {})).statusCode).toBe(400);
    expectFrontDoorLimited(await callCapability(testApp.app, jobToken, 'listings.get', { sku: NA.skus[0] }));
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
