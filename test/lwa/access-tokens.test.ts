import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { MemoryStore } from '../../src/store/shared-store.js';
import { findConnection } from '../../src/connections/repository.js';
import { fetchParticipations } from '../../src/connections/participations.js';
import { DATABASE_URL, REDIS_URL, buildTestApp, callCapability, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { importConnection, listConnectionsHttp, newBuyer, newSeller } from '../connections/support.js';
import { rejectionOf } from '../helpers/envelope.js';
import { useSimulator, useTestDatabase } from '../helpers/harness.js';

/**
 * The seller's one retail marketplace, plus the three non-retail ones Amazon also lists
 * (docs/amazon.md#sellers).
 */
const PARTICIPATIONS = 4;

describe('LWA access tokens across two broker instances', () => {
  const sim = useSimulator();
  let a: TestApp;
  let b: TestApp;
  const database = useTestDatabase();
  let sharedDb: ReturnType<typeof createDatabase> | undefined;

  beforeAll(async () => {
    // Same database, same Redis prefix, same vault keys: two instances of one deployment.
    const config = {
      ...simulatorConfig(sim),
      redisKeyPrefix: `test:${randomSuffix()}:`,
      vaultKeys: `k1:${randomBytes(32).toString('base64')}`,
    };
    sharedDb = DATABASE_URL ? undefined : createDatabase({ dataDir: 'memory://' });
    const store = REDIS_URL ? undefined : new MemoryStore();
    const overrides = { database, ...(sharedDb ? { db: sharedDb } : {}), ...(store ? { store } : {}) };
    a = await buildTestApp(config, overrides);
    b = await buildTestApp(config, overrides);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sharedDb?.destroy();
  });

  async function connect(t: TestApp, marketplaceIds = ['ATVPDKIKX0DER']) {
    const seller = newSeller(sim, marketplaceIds);
    const buyer = newBuyer();
    const response = await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' });
    expect(response.statusCode, response.body).toBe(201);
    const connection = (await findConnection(t.app.services.db, buyer))!;
    const sellerContext = {
      authorizationId: connection.authorizationId,
      buyerId: buyer,
      sellingPartnerId: seller.sellingPartnerId,
      region: 'NA' as const,
    };
    return { seller, buyer, connection, sellerContext };
  }

  it('many concurrent cold calls on two instances make exactly one LWA refresh', async () => {
    const { connection, sellerContext } = await connect(a);
    // Cold: nothing cached anywhere.
    await a.app.services.amazon.accessTokens.forget(connection.authorizationId);
    await b.app.services.amazon.accessTokens.forget(connection.authorizationId);
    sim.stats.reset();

    const tokens = await Promise.all([
      ...Array.from({ length: 40 }, () => a.app.services.amazon.accessTokens.get(connection.authorizationId)),
      ...Array.from({ length: 40 }, () => b.app.services.amazon.accessTokens.get(connection.authorizationId)),
      ...Array.from({ length: 5 }, () => fetchParticipations(a.app.services.amazon.forSeller(sellerContext))),
      ...Array.from({ length: 5 }, () => fetchParticipations(b.app.services.amazon.forSeller(sellerContext))),
    ]);
    expect(sim.stats.lwaCalls.refresh_token).toBe(1);
    expect(new Set(tokens.slice(0, 80)).size).toBe(1);
    expect(sim.stats.accepted.getMarketplaceParticipations).toBe(10);
  });

  it('a revoked grant revokes the authorization: TOKEN_EXPIRED, and no further LWA call', async () => {
    const { seller, buyer, connection, sellerContext } = await connect(a);
    sim.revokeRefreshToken(seller.refreshToken);
    sim.stats.reset();

    // The cached access token dies with the grant: 403, then the refresh says invalid_grant.
    const error = await rejectionOf(fetchParticipations(a.app.services.amazon.forSeller(sellerContext)));
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.httpStatus).toBe(409);
    expect(sim.stats.lwaCalls.refresh_token).toBe(1);
    const row = await a.app.services.db
      .selectFrom('amazon_authorizations')
      .select(['status', 'revoked_reason'])
      .where('id', '=', connection.authorizationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'revoked', revoked_reason: 'invalid_grant' });

    // Neither instance asks LWA again.
    for (const t of [a, b]) {
      await t.app.services.amazon.accessTokens.forget(connection.authorizationId);
      expect((await rejectionOf(t.app.services.amazon.accessTokens.get(connection.authorizationId))).code).toBe('TOKEN_EXPIRED');
    }
    const { jobToken } = await mintToken(b, { buyerId: buyer, capabilities: ['connect.status'] });
    const response = await callCapability(b.app, jobToken, 'connect.status');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('TOKEN_EXPIRED');
    expect(sim.stats.lwaCalls.refresh_token).toBe(1);
    expect((await listConnectionsHttp(a, buyer)).json().data.connections[0].status).toBe('revoked');

    // Reconnecting makes it active again.
    const fresh = `Atzr|IwEBre-${randomSuffix()}`;
    sim.addSeller({ sellingPartnerId: seller.sellingPartnerId, refreshToken: fresh, marketplaceIds: ['ATVPDKIKX0DER'] });
    const again = await importConnection(a, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: fresh, region: 'NA' });
    expect(again.statusCode).toBe(201);
    expect(again.json().data.connections[0].status).toBe('active');
    expect((await fetchParticipations(b.app.services.amazon.forSeller(sellerContext))).length).toBe(PARTICIPATIONS);
  });

  it('an LWA outage is a retryable SP_API_ERROR, revokes nothing, and recovers', async () => {
    const { connection, sellerContext } = await connect(a);
    await a.app.services.amazon.accessTokens.forget(connection.authorizationId);
    sim.stats.reset();
    sim.faults.lwaOutage = true;
    try {
      const error = await rejectionOf(fetchParticipations(a.app.services.amazon.forSeller(sellerContext)));
      expect(error.code).toBe('SP_API_ERROR');
      expect(error.httpStatus).toBe(502);
      expect(error.retryable).toBe(true);
      expect(error.details).toEqual({ status: 503, lwa_error: 'temporarily_unavailable' });
      // Backing off: an immediate second call does not hammer LWA.
      expect((await rejectionOf(a.app.services.amazon.accessTokens.get(connection.authorizationId))).code).toBe('SP_API_ERROR');
      expect(sim.stats.lwaCalls.refresh_token).toBe(1);
    } finally {
      sim.faults.lwaOutage = false;
    }
    const row = await a.app.services.db
      .selectFrom('amazon_authorizations')
      .select('status')
      .where('id', '=', connection.authorizationId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetchParticipations(a.app.services.amazon.forSeller(sellerContext))).length).toBe(PARTICIPATIONS);
    expect(sim.stats.lwaCalls.refresh_token).toBe(2);
  });

  it('refreshes again after Amazon says the access token expired (403), once', async () => {
    const { sellerContext } = await connect(b);
    sim.expireAccessTokens();
    sim.stats.reset();
    const participations = await fetchParticipations(b.app.services.amazon.forSeller(sellerContext));
    expect(participations).toHaveLength(PARTICIPATIONS);
    expect(sim.stats.lwaCalls.refresh_token).toBe(1);
    expect(sim.stats.calls.getMarketplaceParticipations).toBe(2);
    // The other instance picks up the new token from the shared cache.
    await fetchParticipations(a.app.services.amazon.forSeller(sellerContext));
    expect(sim.stats.lwaCalls.refresh_token).toBe(1);
  });
});
