import { beforeAll, describe, expect, it } from 'vitest';
import { SEED, type RunningSimulator } from '../../src/simulator/index.js';
import type { RedisClient } from '../../src/store/redis-client.js';
import { recordCommands } from './helpers.js';
import { callCapability, mintToken } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { useBroker } from '../helpers/harness.js';
import { missing } from '../helpers/services.js';

/**
 * POST /api/capabilities counts at the front door once per call (src/quota/call-quota.ts): with
 * its first quota reservation (one Redis round trip for both), before a write stages, else at the
 * end. However the call ends, it counts once; over the limit nothing reaches Amazon and nothing is
 * staged.
 */
const LIMIT = 4;
const NA = SEED.sellers.NA;

const listingCalls = (sim: RunningSimulator) => sim.stats.requests.filter((r) => r.operation === 'getListingsItem').length;

function expectFrontDoorLimited(response: { statusCode: number; headers: Record<string, unknown>; json(): { error: { code: string; message: string } } }) {
  expect(response.statusCode).toBe(429);
  expect(response.json().error.code).toBe('RATE_LIMIT');
  expect(response.json().error.message).toMatch(/Too many requests with this credential; retry after \d+ s/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe.skipIf(missing('Redis'))('front door of capability calls (Redis)', () => {
  const broker = useBroker({ config: { frontDoorPerMinute: LIMIT } });
  let buyerId: string;

  beforeAll(async () => {
    buyerId = await connectBuyer(broker);
  });

  /** The commands the app sends to Redis while `run` runs. */
  async function redisCommandsOf(run: () => Promise<unknown>): Promise<string[]> {
    const commands = recordCommands(broker.app.services.store.redis as RedisClient);
    try {
      await run();
    } finally {
      commands.restore();
    }
    return commands.sent.map((command) => command.name);
  }

  it('takes one Redis round trip for a listings.get: the front-door count rides with the quota reservation', async () => {
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.get'] });
    expect((await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    const sent = await redisCommandsOf(async () => {
      expect((await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    });
    expect(sent).toEqual(['evalsha']);
  });

  it('takes one Redis round trip for a cached connect.status: its front-door count', async () => {
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['connect.status'] });
    expect((await callCapability(broker.app, jobToken, 'connect.status')).statusCode).toBe(200);
    const sent = await redisCommandsOf(async () => {
      expect((await callCapability(broker.app, jobToken, 'connect.status')).statusCode).toBe(200);
    });
    expect(sent).toEqual(['evalsha']);
  });

  it('counts every call once however it ends, then refuses before Amazon is called', async () => {
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.get', 'connect.status'] });
    const answers = [
      await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] }), // counted with the quota
      await callCapability(broker.app, jobToken, 'listings.get', {}), // params refused before any quota
      await callCapability(broker.app, jobToken, 'orders.summary', {}), // not granted
      await broker.app.inject({ method: 'POST', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}` }, payload: { provider: 'amazon' } }), // body shape
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 400, 403, 400]);
    const before = listingCalls(broker.sim);
    expectFrontDoorLimited(await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] }));
    expectFrontDoorLimited(await callCapability(broker.app, jobToken, 'connect.status'));
    expect(listingCalls(broker.sim)).toBe(before);
    // Another token of the same buyer (and seller) has its own count.
    const other = await mintToken(broker, { buyerId, capabilities: ['listings.get'] });
    expect((await callCapability(broker.app, other.jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
  });

  it('counts idempotent replays, and the RATE_LIMIT is not kept as the replayed answer', async () => {
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.get'] });
    const call = () => callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] }, { 'idempotency-key': 'same-call' });
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
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.update'] });
    for (let i = 0; i < LIMIT; i++) expect((await callCapability(broker.app, jobToken, 'listings.update', {})).statusCode).toBe(400);
    const staged = await broker.app.services.db.selectFrom('confirmations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const response = await callCapability(broker.app, jobToken, 'listings.update', {
      sku: NA.skus[0],
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Over the limit', marketplace_id: SEED.marketplaces.US }] }],
    });
    expectFrontDoorLimited(response);
    const after = await broker.app.services.db.selectFrom('confirmations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(staged.n);
  });
});

describe('front door of capability calls while Redis is down', () => {
  // Nothing listens on port 1: the counts and the quota fall back to this instance.
  const broker = useBroker({ config: { redisUrl: 'redis://127.0.0.1:1', frontDoorPerMinute: 2 } });

  it('still counts each call once, per instance, without waiting on Redis', async () => {
    const buyerId = await connectBuyer(broker);
    const { jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.get'] });
    const started = performance.now();
    expect((await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(200);
    expect((await callCapability(broker.app, jobToken, 'listings.get', {})).statusCode).toBe(400);
    expectFrontDoorLimited(await callCapability(broker.app, jobToken, 'listings.get', { sku: NA.skus[0] }));
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
