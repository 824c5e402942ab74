import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateWithinBudget, FailedAuthBudget } from '../../src/auth/failed-auth-budget.js';
import { BrokerError } from '../../src/errors.js';
import { sha256Hex } from '../../src/auth/secrets.js';
import { buildTestApp, internalHeaders, mintToken, type TestApp } from '../helpers/app.js';
import { missing } from '../helpers/services.js';

/**
 * Issue 11, front door: a flood of random well-formed bearer tokens from one address is bounded by
 * a budget of FAILED authentications per address (FAILED_AUTH_PER_MINUTE), shared by the instances
 * through Redis; successes spend nothing, and agents behind the same address keep working.
 */
const BUDGET = 5;
const randomToken = () => `sst_${randomBytes(32).toString('base64url')}`;

describe('failed-authentication budget per address', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await buildTestApp({ failedAuthPerMinute: BUDGET });
    // A second instance of the same deployment: same database, same Redis prefix.
    second = await buildTestApp(
      { failedAuthPerMinute: BUDGET, redisKeyPrefix: first.config.redisKeyPrefix, internalApiKey: first.config.internalApiKey },
      { database: { url: first.config.databaseUrl, drop: async () => {} } },
    );
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const list = (app: TestApp, token: string, remoteAddress: string) =>
    app.app.inject({ method: 'GET', url: '/api/capabilities', headers: { authorization: `Bearer ${token}` }, remoteAddress });

  it('refuses a flood of random tokens without looking them up once the budget is spent; other addresses are untouched', async () => {
    const address = '203.0.113.10';
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 5; i++) statuses.push((await list(first, randomToken(), address)).statusCode);
    expect(statuses.slice(0, BUDGET + 1)).toEqual(Array(BUDGET + 1).fill(401));
    expect(statuses.slice(BUDGET + 1)).toEqual(Array(4).fill(429));
    const refused = await list(first, randomToken(), address);
    expect(refused.json().error.code).toBe('RATE_LIMIT');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await list(first, randomToken(), '203.0.113.11')).statusCode).toBe(401);
  });

  it('does not throttle an agent that authenticated before, behind the same address', async () => {
    const address = '203.0.113.20';
    const { jobToken } = await mintToken(first, { capabilities: ['connect.status'] });
    expect((await list(first, jobToken, address)).statusCode).toBe(200);
    for (let i = 0; i < BUDGET + 3; i++) await list(first, randomToken(), address);
    expect((await list(first, randomToken(), address)).statusCode).toBe(429);
    expect((await list(first, jobToken, address)).statusCode).toBe(200);
  });

  it('successful authentications spend nothing', async () => {
    const address = '203.0.113.30';
    const { jobToken } = await mintToken(first, { capabilities: ['connect.status'] });
    for (let i = 0; i < BUDGET * 4; i++) expect((await list(first, jobToken, address)).statusCode).toBe(200);
    for (let i = 0; i < BUDGET; i++) expect((await list(first, randomToken(), address)).statusCode).toBe(401);
  });

  it('guessing the internal key spends the same budget', async () => {
    const address = '203.0.113.40';
    const guess = () => first.app.inject({ method: 'POST', url: '/internal/job-tokens', headers: { authorization: `Bearer ${randomToken()}` }, payload: {}, remoteAddress: address });
    for (let i = 0; i <= BUDGET; i++) expect((await guess()).statusCode).toBe(401);
    expect((await guess()).statusCode).toBe(429);
    const real = await first.app.inject({ method: 'GET', url: '/internal/confirmations?order_id=none', headers: internalHeaders(first.config), remoteAddress: '203.0.113.41' });
    expect(real.statusCode).toBe(200);
  });

  it.skipIf(missing('Redis'))('is shared by every instance through Redis', async () => {
    const address = '203.0.113.50';
    for (let i = 0; i < BUDGET; i++) expect((await list(first, randomToken(), address)).statusCode).toBe(401);
    // The other instance's first failure from this address finds the shared budget spent.
    expect((await list(second, randomToken(), address)).statusCode).toBe(401);
    expect((await list(second, randomToken(), address)).statusCode).toBe(429);
  });
});

describe('authenticateWithinBudget', () => {
  it('looks nothing up for an address over budget, and counts only refused credentials', async () => {
    const budget = new FailedAuthBudget({ perMinute: 2, keyPrefix: 'unused:' });
    let lookups = 0;
    const refuse = async () => {
      lookups += 1;
      throw new BrokerError('INVALID_TOKEN', 'unknown job token');
    };
    const attempt = (credential: string | undefined, lookup: () => Promise<unknown>) =>
      authenticateWithinBudget(budget, '198.51.100.1', credential === undefined ? undefined : sha256Hex(credential), lookup).then(
        () => 'ok',
        (error: BrokerError) => error.code,
      );
    // No credential at all guesses nothing: never counted.
    for (let i = 0; i < 5; i++) expect(await attempt(undefined, refuse)).toBe('INVALID_TOKEN');
    expect(await attempt('good', async () => (lookups += 1))).toBe('ok');
    expect(await attempt('x1', refuse)).toBe('INVALID_TOKEN');
    expect(await attempt('x2', refuse)).toBe('INVALID_TOKEN');
    expect(await attempt('x3', refuse)).toBe('INVALID_TOKEN');
    const before = lookups;
    for (let i = 0; i < 10; i++) expect(await attempt(`y${i}`, refuse)).toBe('RATE_LIMIT');
    expect(lookups).toBe(before);
    expect(await attempt('good', async () => (lookups += 1))).toBe('ok');
  });
});
