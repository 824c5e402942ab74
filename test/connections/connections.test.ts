import { describe, expect, it } from 'vitest';
import { findConnection, listConnections } from '../../src/connections/repository.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';
import { importConnection, listConnectionsHttp, newBuyer, newSeller } from './support.js';

const US = 'ATVPDKIKX0DER';
const CA = 'A2EUQ1WTGCTBG2';
const MX = 'A1AM78C64UM0Y8';
const DE = 'A1PA6795UKMFR9';

describe('connections: import, list, status, disconnect', () => {
  const t = useBroker();


  it('imports a refresh token, lists connections without secrets, answers connect.status', async () => {
    const buyer = newBuyer();
    t.sim.stats.reset();
    const imported = await importConnection(t, buyer, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'NA' });
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toEqual({
      ok: true,
      data: {
        connections: [US, CA, MX].map((marketplace_id) => ({
          marketplace_id,
          region: 'NA',
          status: 'active',
          selling_partner_id: 'A1SANDBOXNA0001',
        })),
      },
    });
    expect(imported.body).not.toContain('Atzr');

    const listed = await listConnectionsHttp(t, buyer);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.connections.map((c: { marketplace_id: string }) => c.marketplace_id)).toEqual([US, CA, MX]);
    expect(listed.body).not.toContain('Atzr');
    expect(listed.body).not.toContain('Atza');

    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    const status = await callCapability(t.app, jobToken, 'connect.status');
    expect(status.statusCode).toBe(200);
    const data = status.json().data;
    expect(data.connected).toBe(true);
    expect(data.selling_partner_id).toBe('A1SANDBOXNA0001');
    expect(data.marketplaces).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ marketplace_id: US, country_code: 'US', region: 'NA', participating: true, has_suspended_listings: false }),
      ]),
    );
    // Amazon also lists non-retail shadow marketplaces as participating (A2ZV50J4W1RKNI, …): never shown.
    expect(data.marketplaces.map((m: { marketplace_id: string }) => m.marketplace_id).sort()).toEqual([US, CA, MX].sort());
    expect(status.json().meta.marketplace_id).toBe(US);
    // The import proved the token once; its access token and participations served the status call.
    expect(t.sim.stats.lwaCalls.refresh_token).toBe(1);
    expect(t.sim.stats.calls.getMarketplaceParticipations).toBe(1);
  });

  it('uses the first connected marketplace as default and finds a named one', async () => {
    const buyer = newBuyer();
    await importConnection(t, buyer, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'NA' });
    expect((await findConnection(t.app.services.db, buyer))?.marketplaceId).toBe(US);
    const mx = await findConnection(t.app.services.db, buyer, MX);
    expect(mx).toMatchObject({ marketplaceId: MX, region: 'NA', sellingPartnerId: 'A1SANDBOXNA0001', status: 'active' });
    expect(await findConnection(t.app.services.db, buyer, DE)).toBeNull();
    expect(await findConnection(t.app.services.db, newBuyer())).toBeNull();

    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    const other = await callCapability(t.app, jobToken, 'connect.status', { marketplace_id: DE });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('NO_CONNECTION');
  });

  it('refuses a refresh token Amazon rejects, and an unknown region', async () => {
    const buyer = newBuyer();
    const rejected = await importConnection(t, buyer, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|made-up', region: 'NA' });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error).toMatchObject({ code: 'INVALID_REQUEST', message: 'refresh token rejected by Amazon' });
    expect(rejected.body).not.toContain('made-up');

    const region = await importConnection(t, buyer, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'XX' });
    expect(region.statusCode).toBe(400);
    expect(region.json().error.code).toBe('INVALID_REQUEST');
    expect(region.body).not.toContain('sandbox-na');
    expect((await listConnections(t.app.services.db, buyer)).length).toBe(0);
  });

  it('needs the internal key', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/internal/buyers/${newBuyer()}/amazon/connections` });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_TOKEN');
  });

  it('re-importing a region replaces its authorization and connections, keeping the default', async () => {
    const buyer = newBuyer();
    const seller = newSeller(t.sim, [US, CA]);
    await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' });
    const before = await findConnection(t.app.services.db, buyer);
    // The seller now also sells in Mexico; the buyer reconnects with a new grant.
    const again = newSeller(t.sim, [US, CA, MX]);
    const response = await importConnection(t, buyer, { selling_partner_id: again.sellingPartnerId, refresh_token: again.refreshToken, region: 'NA' });
    expect(response.statusCode).toBe(201);
    const rows = await t.app.services.db.selectFrom('amazon_authorizations').selectAll().where('buyer_id', '=', buyer).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(before!.authorizationId);
    expect(rows[0]!.selling_partner_id).toBe(again.sellingPartnerId);
    const connections = await listConnections(t.app.services.db, buyer);
    expect(connections.map((c) => [c.marketplaceId, c.sellingPartnerId])).toEqual([
      [US, again.sellingPartnerId],
      [CA, again.sellingPartnerId],
      [MX, again.sellingPartnerId],
    ]);
  });

  it('disconnect deletes everything; calls then get NO_CONNECTION', async () => {
    const buyer = newBuyer();
    await importConnection(t, buyer, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'NA' });
    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    expect((await callCapability(t.app, jobToken, 'connect.status')).statusCode).toBe(200);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/internal/buyers/${buyer}/amazon/connections`, headers: internalHeaders(t.config) });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await listConnectionsHttp(t, buyer)).json().data.connections).toEqual([]);
    const rows = await t.app.services.db.selectFrom('amazon_authorizations').select('id').where('buyer_id', '=', buyer).execute();
    expect(rows).toEqual([]);
    const after = await callCapability(t.app, jobToken, 'connect.status');
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('NO_CONNECTION');
  });

  it('stores the refresh token encrypted and the shared access-token cache encrypted', async () => {
    const buyer = newBuyer();
    const seller = newSeller(t.sim, [US]);
    await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' });
    const row = await t.app.services.db.selectFrom('amazon_authorizations').selectAll().where('buyer_id', '=', buyer).executeTakeFirstOrThrow();
    expect(row.refresh_token_ciphertext).not.toContain(seller.refreshToken);
    expect(row.refresh_token_ciphertext).not.toContain('Atzr');
    const cached = await t.app.services.store.get(`lwa:access:${row.id}`);
    expect(cached).toBeTruthy();
    expect(cached).not.toContain('Atza');
  });
});
