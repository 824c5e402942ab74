import type { Redis } from 'ioredis';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, simulatorConfig, type TestApp } from '../helpers/app.js';
import { accessTokensSeen, importConnection, newBuyer, newSeller } from '../connections/support.js';
import { NA } from '../writes/helpers.js';

/**
 * Issue 11, secrets: after a scripted session (connect, mint, reads, a staged and applied write, MCP,
 * refused credentials, a revocation), no canary secret appears in plain text in a log line, an
 * answer, any Postgres row or any Redis key or value; a ciphertext moved to another row fails
 * closed; secrets are compared in constant time; token-minting answers are not cacheable.
 */
const AWS_CANARY = 'aws-canary-secret-9f8e7d6c5b4a';
const GUESSED_KEY_CANARY = 'guessed-internal-key-canary-0a1b2c3d';

describe('secrets at rest and in transit', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  const answers: string[] = [];
  const jobTokens: string[] = [];
  const record = <R extends { body: string; headers: Record<string, unknown> }>(response: R) => {
    answers.push(response.body, JSON.stringify(response.headers));
    return response;
  };

  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
    t = await buildTestApp({ ...simulatorConfig(sim), aws: { accessKeyId: 'AKIDCANARY', secretAccessKey: AWS_CANARY } }, { captureLogs: true });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const secrets = () => [
    NA.refreshToken,
    t.config.internalApiKey,
    t.config.lwaClientSecret,
    t.config.vaultKeys.split(':')[1]!,
    AWS_CANARY,
    GUESSED_KEY_CANARY,
    ...jobTokens,
    ...accessTokensSeen(sim),
  ];

  async function postgresText(): Promise<string[]> {
    const { rows: tables } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(t.app.services.db);
    const texts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.table(name)} x`.execute(t.app.services.db);
      texts.push(...rows.map((r) => `${name}: ${r.j}`));
    }
    return texts;
  }

  async function redisText(): Promise<string[]> {
    // A single Redis here (REDIS_URL); SCAN per node would be needed on a Cluster.
    const redis = t.app.services.store.redis as Redis | undefined;
    if (!redis) return [];
    const texts: string[] = [];
    for await (const keys of redis.scanStream({ match: `${t.config.redisKeyPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
          : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : '';
        texts.push(`${key} = ${value}`);
      }
    }
    return texts;
  }

  it('a scripted session leaves no secret in logs, answers, Postgres or Redis', async () => {
    const buyerId = newBuyer();
    record(await importConnection(t, buyerId, { selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' }));
    const minted = await t.app.inject({
      method: 'POST',
      url: '/internal/job-tokens',
      headers: internalHeaders(t.config),
      payload: { order_id: 'order-secrets', buyer_id: buyerId, tool_id: 'tool', capabilities: ['connect.status', 'listings.get', 'listings.update'] },
    });
    expect(minted.statusCode).toBe(201);
    expect(minted.headers['cache-control']).toBe('no-store');
    const jobToken = minted.json().data.job_token as string;
    const tokenId = minted.json().data.token_id as string;
    jobTokens.push(jobToken);
    record(await callCapability(t.app, jobToken, 'connect.status'));
    record(await callCapability(t.app, jobToken, 'listings.get', { sku: SANDBOX.sku }));
    const staged = record(
      await callCapability(t.app, jobToken, 'listings.update', {
        sku: SANDBOX.sku,
        product_type: SANDBOX.productType,
        patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Canary Session Mug' }] }],
      }),
    );
    const id = staged.json().data.confirmation_id as string;
    record(await t.app.inject({ method: 'POST', url: `/internal/confirmations/${id}/apply`, headers: internalHeaders(t.config) }));
    record(await t.app.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${jobToken}` }, payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' } }));
    record(await t.app.inject({ method: 'GET', url: '/internal/confirmations?order_id=order-secrets', headers: { authorization: `Bearer ${GUESSED_KEY_CANARY}` } }));
    record(await callCapability(t.app, `${jobToken.slice(0, -2)}xx`, 'connect.status'));
    const authorize = await t.app.inject({ method: 'POST', url: `/internal/buyers/${buyerId}/amazon/authorize`, headers: internalHeaders(t.config), payload: {} });
    expect(authorize.headers['cache-control']).toBe('no-store');
    record(await t.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${tokenId}`, headers: internalHeaders(t.config) }));
    record(await callCapability(t.app, jobToken, 'connect.status'));
    record(await t.app.inject({ url: '/metrics' }));

    expect(accessTokensSeen(sim).length).toBeGreaterThan(0);
    const stored = await postgresText();
    expect(stored.some((line) => line.startsWith('amazon_authorizations:'))).toBe(true);
    const cached = await redisText();
    if (t.app.services.store.kind === 'redis') expect(cached.length).toBeGreaterThan(0);
    const places: [string, string[]][] = [
      ['log', t.logs],
      ['answer', answers],
      ['Postgres', stored],
      ['Redis', cached],
    ];
    for (const secret of secrets()) {
      for (const [place, lines] of places) {
        const leak = lines.find((line) => line.includes(secret));
        expect(leak, `a secret appears in ${place}: ${leak?.slice(0, 200)}`).toBeUndefined();
      }
    }
  });

  it('a refresh token ciphertext moved to another buyer fails closed, logged as an incident; a moved cached access token is a cache miss', async () => {
    const donor = newBuyer();
    await importConnection(t, donor, { selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' });
    const seller = newSeller(sim, ['ATVPDKIKX0DER']);
    const victim = newBuyer();
    expect((await importConnection(t, victim, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' })).statusCode).toBe(201);
    const { db } = t.app.services;
    const authorization = (buyerId: string) =>
      db.selectFrom('amazon_authorizations').select(['id', 'refresh_token_ciphertext']).where('buyer_id', '=', buyerId).executeTakeFirstOrThrow();
    const [from, to] = [await authorization(donor), await authorization(victim)];
    await db.updateTable('amazon_authorizations').set({ refresh_token_ciphertext: from.refresh_token_ciphertext }).where('id', '=', to.id).execute();
    await t.app.services.amazon.accessTokens.forget(to.id);
    const { jobToken } = await mintToken(t, { buyerId: victim, capabilities: ['listings.get'] });
    const mark = sim.stats.requests.length;
    const refused = await callCapability(t.app, jobToken, 'listings.get', { sku: 'ANY-SKU' });
    expect(refused.statusCode).toBe(500);
    expect(refused.json().error.message).toMatch(/could not be verified.*reconnect/);
    // The donor's refresh token never went to LWA on the victim's behalf: nothing was sent at all.
    expect(sim.stats.requests.slice(mark)).toEqual([]);
    expect(t.logs.some((line) => line.includes('"incident":"refresh_token_unverifiable"'))).toBe(true);

    // Put the victim's own ciphertext back; then move the donor's cached access token onto the victim's cache key.
    await db.updateTable('amazon_authorizations').set({ refresh_token_ciphertext: to.refresh_token_ciphertext }).where('id', '=', to.id).execute();
    // A single Redis here (REDIS_URL); SCAN per node would be needed on a Cluster.
    const redis = t.app.services.store.redis as Redis | undefined;
    if (!redis) return;
    const donorCache = await redis.get(`${t.config.redisKeyPrefix}lwa:access:${from.id}`);
    expect(donorCache).toBeTruthy();
    await redis.set(`${t.config.redisKeyPrefix}lwa:access:${to.id}`, donorCache!, 'PX', 60_000);
    const donorTokens = new Set(accessTokensSeen(sim));
    const markCache = sim.stats.requests.length;
    expect((await callCapability(t.app, jobToken, 'listings.get', { sku: 'ANY-SKU' })).statusCode).not.toBe(500);
    const used = sim.stats.requests.slice(markCache).map((r) => r.headers['x-amz-access-token']).filter(Boolean);
    expect(used.length).toBeGreaterThan(0);
    for (const token of used) expect(donorTokens.has(token as string)).toBe(false);
  });

  it('compares secrets in constant time: no ===/!== on keys, signatures or token hashes anywhere in src', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts') && !full.includes(`${path.sep}simulator${path.sep}`)) files.push(full);
      }
    };
    walk('src');
    const plainComparison = /(===|!==)\s*[\w.]*(internalApiKey|[sS]ecret|[sS]ignature|[mM]ac|tokenHash|token_hash)\b|\b[\w.]*(internalApiKey|[sS]ecret|[sS]ignature|[mM]ac|tokenHash|token_hash)\s*(===|!==)/;
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter(({ text }) => plainComparison.test(text) && !/typeof|undefined|null|length/.test(text)),
    );
    expect(offenders).toEqual([]);
    // The two comparisons that exist go through node's timingSafeEqual.
    expect(readFileSync('src/auth/secrets.ts', 'utf8')).toMatch(/timingSafeEqual\(a, b\)/);
    expect(readFileSync('src/oauth/state.ts', 'utf8')).toMatch(/timingSafeEqual\(expected, given\)/);
  });
});
