import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { BrokerError, errorBody } from '../../src/errors.js';
import { frontDoorKey, registerFrontDoorRateLimit } from '../../src/quota/front-door.js';
import { FrontDoorCounter } from '../../src/quota/front-door-counter.js';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/store/shared-store.js';
import { missing } from '../helpers/services.js';
import { connectRedis, deleteKeys, recordCommands, redisUrl, uniquePrefix } from './helpers.js';

const prefix = uniquePrefix('front-door');
const config = loadConfig({ BROKER_MODE: 'sandbox', FRONT_DOOR_PER_MINUTE: '3', INTERNAL_PER_MINUTE: '5', REDIS_KEY_PREFIX: prefix });

/** A tiny app with the minimal error handler the real one stands for: BrokerError → envelope + Retry-After. */
async function tinyApp(store: SharedStore, skip?: (url: string) => boolean): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BrokerError) {
      if (error.retryAfterS !== undefined) void reply.header('retry-after', String(error.retryAfterS));
      return reply.status(error.httpStatus).send(errorBody(error));
    }
    return reply.status(500).send({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'unexpected' } });
  });
  const counter = new FrontDoorCounter(store.kind === 'redis' ? store.redis : undefined, `${prefix}front-door:`);
  await registerFrontDoorRateLimit(app, { config, counter, ...(skip ? { skip: (request) => skip(request.url) } : {}) });
  app.get('/api/capabilities', async () => ({ ok: true, data: [] }));
  app.get('/healthz', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const call = (app: FastifyInstance, token?: string, url = '/api/capabilities') =>
  app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

for (const [name, makeStore, skipped] of [
  ['Redis', () => new RedisStore(redisUrl(), prefix), missing('Redis')],
  ['memory', () => new MemoryStore(), undefined],
] as const) describe.skipIf(skipped)(`front-door rate limit (${name} store)`, () => {
  let store: SharedStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = makeStore();
    if (store instanceof RedisStore) await store.connect();
    app = await tinyApp(store, (url) => url === '/healthz');
  });

  afterAll(async () => {
    await app.close();
    if (store.redis) await deleteKeys(store.redis, prefix);
    await store.close();
  });

  it('answers 429 + Retry-After + the RATE_LIMIT envelope after max requests of one token', async () => {
    const token = `job-token-${name}-one`;
    for (let i = 0; i < 3; i += 1) expect((await call(app, token)).statusCode).toBe(200);
    const limited = await call(app, token);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = limited.json();
    expect(body).toMatchObject({ ok: false, error: { code: 'RATE_LIMIT', retry_after_s: retryAfter } });
    expect(body.error.message).toMatch(/retry after \d+ s/);
  });

  it('does not limit a different token, and counts requests without a token by IP', async () => {
    expect((await call(app, `job-token-${name}-two`)).statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await call(app)).statusCode).toBe(200);
    expect((await call(app)).statusCode).toBe(429);
    expect((await call(app, `job-token-${name}-three`)).statusCode).toBe(200);
  });

  it('gives the internal key its own, larger budget', async () => {
    for (let i = 0; i < 5; i += 1) expect((await call(app, config.internalApiKey)).statusCode).toBe(200);
    expect((await call(app, config.internalApiKey)).statusCode).toBe(429);
  });

  it('exempts what `skip` names (health probes)', async () => {
    for (let i = 0; i < 5; i += 1) expect((await call(app, undefined, '/healthz')).statusCode).toBe(200);
  });

  // Only the Redis store has keys to look at (defined for it alone, so no run reports a skip).
  if (name === 'Redis') it('counts in Redis under the prefix, by token hash, never the raw token', async () => {
    const keys = await store.redis!.keys(`${prefix}front-door:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes('job-token'))).toBe(false);
  });
});

describe.skipIf(missing('Redis'))('front-door counter batches (Redis)', () => {
  it("sends one turn's counts as one script run, each token counted as if alone", async () => {
    const redis = connectRedis();
    await redis.connect();
    const counter = new FrontDoorCounter(redis, `${prefix}batch:`);
    try {
      const commands = recordCommands(redis);
      const keys = ['bearer:a', 'bearer:a', 'bearer:b', 'bearer:a'];
      const counts = await Promise.all(keys.map((key) => counter.count(key, 60_000)));
      commands.restore();
      expect(commands.sent.map((c) => c.name)).toEqual(['evalsha']);
      expect(counts.map((c) => c.current)).toEqual([1, 2, 1, 3]);
      for (const { ttl } of counts) expect(ttl).toBeGreaterThan(59_000);
      await expect(counter.admit('bearer:a', 3)).rejects.toMatchObject({ code: 'RATE_LIMIT' });
      await expect(counter.admit('bearer:b', 3)).resolves.toBeUndefined();
    } finally {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('counts here (per instance) what Redis does not answer within its time limit', async () => {
    const redis = connectRedis();
    await redis.connect();
    const counter = new FrontDoorCounter(redis, `${prefix}slow:`, 50);
    try {
      const commands = recordCommands(redis, () => 500);
      const started = performance.now();
      const counts = await Promise.all([counter.count('bearer:slow', 60_000), counter.count('bearer:slow', 60_000)]);
      commands.restore();
      expect(performance.now() - started).toBeLessThan(400);
      expect(counts.map((c) => c.current)).toEqual([1, 2]);
    } finally {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('front-door key', () => {
  it('is the SHA-256 of the bearer token, else the IP', async () => {
    const app = Fastify();
    app.get('/', async (request) => ({ key: frontDoorKey(request) }));
    const withToken = (await app.inject({ url: '/', headers: { authorization: 'Bearer secret-token' } })).json().key;
    expect(withToken).toBe(`bearer:${createHash('sha256').update('secret-token').digest('hex')}`);
    expect(withToken).not.toContain('secret-token');
    expect((await app.inject({ url: '/' })).json().key).toBe('ip:127.0.0.1');
    await app.close();
  });
});

describe('front door while Redis is down', () => {
  it('counts per instance without waiting on Redis: never a lock-out, never a hang', async () => {
    const store = new RedisStore('redis://127.0.0.1:1', uniquePrefix('front-door-down'));
    store.redis.on('error', () => {});
    const app = await tinyApp(store);
    try {
      const started = performance.now();
      for (let i = 0; i < 3; i += 1) expect((await call(app, 'job-token-down')).statusCode).toBe(200);
      expect((await call(app, 'job-token-down')).statusCode).toBe(429);
      expect((await call(app, 'another-token-down')).statusCode).toBe(200);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
