import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_NAME } from '../../src/cache/invalidation-feed.js';
import { DIST, ensureBuild } from '../helpers/build.js';
import { buildTestApp, callCapability, createTestDatabase, DATABASE_URL, internalHeaders, mintToken, randomSuffix, type TestApp, type TestDatabase } from '../helpers/app.js';
import { missing } from '../helpers/services.js';

/** A call's error code (products.list: NO_CONNECTION until the buyer connects). */
const code = async (t: TestApp, token: string) => (await callCapability(t.app, token, 'products.list')).json().error.code as string;

/**
 * Two instances of one deployment. Tokens and connections are cached in process (src/cache):
 * whatever changes a cached row — an API call on the other instance or plain SQL — must be seen by
 * both on their next call, also under load and across a lost invalidation channel.
 */
describe.skipIf(missing('Postgres'))('two broker instances sharing Postgres', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    first = await buildTestApp({}, { database });
    second = await buildTestApp({ internalApiKey: first.config.internalApiKey, vaultKeys: first.config.vaultKeys }, { database });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('see a revocation and an order deletion made on the other at once', async () => {
    const orderId = `order-${randomSuffix()}`;
    const buyerId = `buyer-${randomSuffix()}`;
    const revoked = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    const kept = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    expect((await callCapability(second.app, revoked.jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await first.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revoked.tokenId}`, headers: internalHeaders(first.config) });
    expect((await callCapability(second.app, revoked.jobToken, 'products.list')).json().error.code).toBe('INVALID_TOKEN');
    expect((await callCapability(second.app, kept.jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await second.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(second.config) });
    expect((await callCapability(first.app, kept.jobToken, 'products.list')).json().error.code).toBe('ORDER_NOT_FOUND');
  });

  it('serve a warm token from memory, and drop it on both when SQL alone revokes it', async () => {
    const { jobToken } = await mintToken(first, { capabilities: ['products.list'] });
    expect(await code(second, jobToken)).toBe('NO_CONNECTION');
    expect(second.app.services.caches.tokens.size).toBeGreaterThan(0);
    await first.app.services.db.updateTable('job_tokens').set({ revoked_at: new Date() }).where('revoked_at', 'is', null).execute();
    await second.app.services.caches.feed?.barrier();
    await first.app.services.caches.feed?.barrier();
    expect(await code(second, jobToken)).toBe('INVALID_TOKEN');
    expect(await code(first, jobToken)).toBe('INVALID_TOKEN');
  });

  it('see a connection appear, turn revoked and go away on both', async () => {
    const buyerId = `buyer-${randomSuffix()}`;
    const { jobToken } = await mintToken(first, { buyerId, capabilities: ['products.list'] });
    for (const t of [first, second]) expect(await code(t, jobToken)).toBe('NO_CONNECTION'); // "none" is cached too
    const id = randomUUID();
    const db = first.app.services.db;
    await db
      .insertInto('amazon_authorizations')
      .values({ id, buyer_id: buyerId, region: 'NA', selling_partner_id: 'A1CACHE', refresh_token_ciphertext: 'x', status: 'revoked', updated_at: new Date() })
      .execute();
    await db.insertInto('amazon_connections').values({ buyer_id: buyerId, marketplace_id: 'ATVPDKIKX0DER', authorization_id: id, region: 'NA', selling_partner_id: 'A1CACHE' }).execute();
    for (const t of [first, second]) await t.app.services.caches.feed?.barrier();
    for (const t of [first, second]) expect(await code(t, jobToken)).toBe('TOKEN_EXPIRED');
    const disconnected = await second.app.inject({ method: 'DELETE', url: `/internal/buyers/${buyerId}/amazon/connections`, headers: internalHeaders(second.config) });
    expect(disconnected.statusCode).toBeLessThan(300);
    for (const t of [first, second]) expect(await code(t, jobToken)).toBe('NO_CONNECTION');
  });

  it('answer 401/404 to every call started after a revocation or an order deletion returned, under concurrent load', async () => {
    const orderId = `order-${randomSuffix()}`;
    const buyerId = `buyer-${randomSuffix()}`;
    const revoked = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    const kept = await mintToken(first, { orderId, buyerId, capabilities: ['products.list'] });
    const calls: { startedAt: number; token: string; code: string }[] = [];
    let stop = false;
    const load = [first, second].flatMap((t) =>
      Array.from({ length: 8 }, async (_, i) => {
        while (!stop) {
          const token = i % 2 === 0 ? revoked.jobToken : kept.jobToken;
          const startedAt = performance.now();
          calls.push({ startedAt, token, code: await code(t, token) });
          // inject() never touches a socket: a call served from memory would otherwise never let I/O in.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await first.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revoked.tokenId}`, headers: internalHeaders(first.config) });
    const revokedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await second.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(second.config) });
    const deletedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop = true;
    await Promise.all(load);

    const after = (at: number, token: string) => calls.filter((c) => c.startedAt > at && c.token === token);
    // Served (from the caches) before: calls in flight around a change may see either answer.
    expect(calls.some((c) => c.token === revoked.jobToken && c.code === 'NO_CONNECTION')).toBe(true);
    expect(after(revokedAt, revoked.jobToken).length).toBeGreaterThan(10);
    expect(new Set(after(revokedAt, revoked.jobToken).map((c) => c.code))).toEqual(new Set(['INVALID_TOKEN']));
    expect(after(deletedAt, kept.jobToken).length).toBeGreaterThan(10);
    expect(new Set(after(deletedAt, kept.jobToken).map((c) => c.code))).toEqual(new Set(['ORDER_NOT_FOUND']));
  });

  it('flush the caches when the channel comes back (it may have missed changes)', async () => {
    const { jobToken } = await mintToken(first, { capabilities: ['products.list'] });
    expect(await code(second, jobToken)).toBe('NO_CONNECTION');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const listeners = async () =>
      (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [LISTENER_NAME])).rows.map((r) => r.pid);
    try {
      const before = await listeners();
      expect(before.length).toBe(2);
      // A revocation no instance hears (triggers off for this transaction), then both listeners cut.
      await admin.query('BEGIN');
      await admin.query("SET LOCAL session_replication_role = 'replica'");
      await admin.query('UPDATE job_tokens SET revoked_at = now()');
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [LISTENER_NAME]);
      await admin.query('COMMIT');
      const deadline = Date.now() + 10_000;
      while (!((await listeners()).filter((pid) => !before.includes(pid)).length === 2 && second.app.services.caches.feed?.live)) {
        if (Date.now() > deadline) throw new Error('the listeners did not come back');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await code(second, jobToken)).toBe('INVALID_TOKEN');
      expect(await code(first, jobToken)).toBe('INVALID_TOKEN');
    } finally {
      await admin.end();
    }
  });
});

describe('the server process', () => {
  beforeAll(() => ensureBuild(), 240_000);

  it('refuses to start in production naming every missing variable', () => {
    const result = spawnSync(process.execPath, [path.join(DIST, 'server.js')], {
      env: { PATH: process.env.PATH ?? '', LWA_CLIENT_ID: 'amzn1.application-oa2-client.test', REDIS_URL: 'redis://127.0.0.1:6379' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    for (const name of ['DATABASE_URL', 'VAULT_KEYS', 'INTERNAL_API_KEY', 'LWA_CLIENT_SECRET']) expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/REDIS_URL[,)]/);
  });
});
