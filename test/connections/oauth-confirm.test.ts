import { describe, expect, it } from 'vitest';
import { pendingRefreshTokenAad } from '../../src/connections/pending.js';
import { refreshTokenAad } from '../../src/connections/repository.js';
import { runJanitor } from '../../src/maintenance/janitor.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';
import { confirmAuthorizationHttp, consentAs, importConnection, listConnectionsHttp, newBuyer, newSeller } from './support.js';

/**
 * A forwarded consent link (RFC 6749 §10.12): the callback only stores a pending authorization;
 * the buyer's connections change when SellerShorts confirms it for that buyer within 10 minutes.
 */
describe('confirming an OAuth authorization', () => {
  const t = useBroker();


  const pendingRow = (id: string) => t.app.services.db.selectFrom('amazon_pending_authorizations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const authorizationRows = (buyer: string) => t.app.services.db.selectFrom('amazon_authorizations').select(['id', 'selling_partner_id']).where('buyer_id', '=', buyer).execute();
  const connectionRows = (buyer: string) => t.app.services.db.selectFrom('amazon_connections').select(['marketplace_id', 'selling_partner_id']).where('buyer_id', '=', buyer).orderBy('seq').execute();

  it("a stranger's consent on a forwarded link connects nobody: another buyer's confirm is 404, the starter's connects", async () => {
    const stranger = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const starter = newBuyer();
    const id = await consentAs(t, t.sim, starter, stranger.sellingPartnerId);
    expect(await authorizationRows(starter)).toEqual([]);

    const other = newBuyer();
    const wrongBuyer = await confirmAuthorizationHttp(t, other, id);
    expect(wrongBuyer.statusCode).toBe(404);
    expect(wrongBuyer.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'params.authorization_id' } });
    expect(await authorizationRows(other)).toEqual([]);
    const unknown = await confirmAuthorizationHttp(t, starter, 'azp_AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe(wrongBuyer.json().error.message.replace(other, starter).replace(id, 'azp_AAAAAAAAAAAAAAAAAAAAAAAA'));
    const malformed = await confirmAuthorizationHttp(t, starter, 'not-an-id');
    expect(malformed.statusCode).toBe(400);
    const noKey = await t.app.inject({ method: 'POST', url: `/internal/buyers/${starter}/amazon/authorizations/${id}/confirm` });
    expect(noKey.statusCode).toBe(401);

    const confirmed = await confirmAuthorizationHttp(t, starter, id);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({
      ok: true,
      data: { connections: [{ marketplace_id: 'ATVPDKIKX0DER', region: 'NA', status: 'active', selling_partner_id: stranger.sellingPartnerId }] },
    });
    // Still the starter's, not the other buyer's, after the starter confirmed.
    expect((await confirmAuthorizationHttp(t, other, id)).statusCode).toBe(404);
  });

  it('a second confirm answers the same and duplicates nothing; the refresh token then lives only in the authorization', async () => {
    const seller = newSeller(t.sim);
    const buyer = newBuyer();
    const id = await consentAs(t, t.sim, buyer, seller.sellingPartnerId);
    const pending = await pendingRow(id);
    // Encrypted as every refresh token, bound to its own row.
    const refreshToken = t.app.services.vault.decrypt(pending.refresh_token_ciphertext!, pendingRefreshTokenAad(id, buyer));
    expect(refreshToken).toMatch(/^Atzr\|/);
    expect(pending.refresh_token_ciphertext).not.toContain(refreshToken);
    expect(() => t.app.services.vault.decrypt(pending.refresh_token_ciphertext!, pendingRefreshTokenAad('azp_other', buyer))).toThrow();

    const [first, second] = await Promise.all([confirmAuthorizationHttp(t, buyer, id), confirmAuthorizationHttp(t, buyer, id)]);
    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual(first.json());
    const third = await confirmAuthorizationHttp(t, buyer, id);
    expect(third.json()).toEqual(first.json());
    expect(first.json().data.connections).toHaveLength(2);

    const authorizations = await authorizationRows(buyer);
    expect(authorizations).toHaveLength(1);
    expect(await connectionRows(buyer)).toHaveLength(2);
    const closed = await pendingRow(id);
    expect(closed).toMatchObject({ status: 'confirmed', refresh_token_ciphertext: null });
    const stored = await t.app.services.db.selectFrom('amazon_authorizations').select('refresh_token_ciphertext').where('id', '=', authorizations[0]!.id).executeTakeFirstOrThrow();
    expect(t.app.services.vault.decrypt(stored.refresh_token_ciphertext, refreshTokenAad(authorizations[0]!.id, buyer))).toBe(refreshToken);

    // Audited under the buyer, once per confirm call, with no order.
    const audit = await t.app.inject({ url: `/internal/audit?buyer_id=${buyer}`, headers: internalHeaders(t.config) });
    const events = (audit.json().data.events as { event: string; order_id: string | null; outcome: string; http_status: number; capability: string }[]).filter(
      (e) => e.event === 'authorization_confirm',
    );
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.order_id === null && e.outcome === 'CONNECTED' && e.http_status === 200 && e.capability === 'amazon.authorization')).toBe(true);
  });

  it('after 10 minutes the confirm is refused (409) and the refresh token erased; a confirm cannot bring it back', async () => {
    const seller = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const id = await consentAs(t, t.sim, buyer, seller.sellingPartnerId);
    await t.app.services.db.updateTable('amazon_pending_authorizations').set({ expires_at: new Date(Date.now() - 1) }).where('id', '=', id).execute();

    const late = await confirmAuthorizationHttp(t, buyer, id);
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { status: 'expired' } });
    expect(late.json().error.message).toMatch(/not confirmed within 10 minutes.*start the authorization again/);
    expect(await pendingRow(id)).toMatchObject({ status: 'expired', refresh_token_ciphertext: null });
    // Even with its time put back, an expired one stays expired.
    await t.app.services.db.updateTable('amazon_pending_authorizations').set({ expires_at: new Date(Date.now() + 60_000) }).where('id', '=', id).execute();
    expect((await confirmAuthorizationHttp(t, buyer, id)).statusCode).toBe(409);
    expect(await authorizationRows(buyer)).toEqual([]);
    // Another buyer still learns nothing about it.
    expect((await confirmAuthorizationHttp(t, newBuyer(), id)).statusCode).toBe(404);
  });

  it('the janitor erases the refresh token of one left unconfirmed past 10 minutes, and a later confirm is refused', async () => {
    const seller = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const lapsed = await consentAs(t, t.sim, buyer, seller.sellingPartnerId);
    const live = await consentAs(t, t.sim, buyer, seller.sellingPartnerId);
    await t.app.services.db.updateTable('amazon_pending_authorizations').set({ expires_at: new Date(Date.now() - 1) }).where('id', '=', lapsed).execute();

    const audited: { event: string; buyerId: string | null; outcome: string }[] = [];
    const result = await runJanitor(t.app.services.db, { audit: { record: (event) => audited.push(event) } });
    expect(result.expiredAuthorizations).toBeGreaterThanOrEqual(1);
    expect(await pendingRow(lapsed)).toMatchObject({ status: 'expired', refresh_token_ciphertext: null });
    expect((await pendingRow(live)).refresh_token_ciphertext).toEqual(expect.any(String));
    expect(audited).toContainEqual(expect.objectContaining({ event: 'authorization_expire', buyerId: buyer, outcome: 'EXPIRED', orderId: null }));

    expect((await confirmAuthorizationHttp(t, buyer, lapsed)).statusCode).toBe(409);
    expect(await authorizationRows(buyer)).toEqual([]);
    expect((await confirmAuthorizationHttp(t, buyer, live)).statusCode).toBe(200);

    // A day after expiry the row itself goes; a confirm is then told it is unknown.
    const later = await runJanitor(t.app.services.db, { now: new Date(Date.now() + 86_400_000 + 11 * 60_000) });
    expect(later.pendingAuthorizations).toBeGreaterThanOrEqual(2);
    expect(await t.app.services.db.selectFrom('amazon_pending_authorizations').select('id').where('buyer_id', '=', buyer).execute()).toEqual([]);
    expect((await confirmAuthorizationHttp(t, buyer, lapsed)).statusCode).toBe(404);
  });

  it("re-authorizing a region keeps the old connection until the confirm, which replaces it", async () => {
    const before = newSeller(t.sim, ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2']);
    const after = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    expect((await importConnection(t, buyer, { selling_partner_id: before.sellingPartnerId, refresh_token: before.refreshToken, region: 'NA' })).statusCode).toBe(201);
    const [oldAuthorization] = await authorizationRows(buyer);
    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });

    const id = await consentAs(t, t.sim, buyer, after.sellingPartnerId);
    expect((await listConnectionsHttp(t, buyer)).json().data.connections).toEqual([
      { marketplace_id: 'ATVPDKIKX0DER', region: 'NA', status: 'active', selling_partner_id: before.sellingPartnerId },
      { marketplace_id: 'A2EUQ1WTGCTBG2', region: 'NA', status: 'active', selling_partner_id: before.sellingPartnerId },
    ]);
    const stillOld = await callCapability(t.app, jobToken, 'connect.status');
    expect(stillOld.json().data.selling_partner_id).toBe(before.sellingPartnerId);

    const confirmed = await confirmAuthorizationHttp(t, buyer, id);
    expect(confirmed.json().data.connections).toEqual([
      { marketplace_id: 'ATVPDKIKX0DER', region: 'NA', status: 'active', selling_partner_id: after.sellingPartnerId },
    ]);
    // The region's authorization row is replaced in place (same id), its connections with it.
    expect(await authorizationRows(buyer)).toEqual([{ id: oldAuthorization!.id, selling_partner_id: after.sellingPartnerId }]);
    expect(await connectionRows(buyer)).toEqual([{ marketplace_id: 'ATVPDKIKX0DER', selling_partner_id: after.sellingPartnerId }]);
    const nowNew = await callCapability(t.app, jobToken, 'connect.status');
    expect(nowNew.statusCode, nowNew.body).toBe(200);
    expect(nowNew.json().data.selling_partner_id).toBe(after.sellingPartnerId);
  });

  it('a disconnect also discards what the buyer has not confirmed yet', async () => {
    const seller = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const id = await consentAs(t, t.sim, buyer, seller.sellingPartnerId);
    const disconnect = await t.app.inject({ method: 'DELETE', url: `/internal/buyers/${buyer}/amazon/connections`, headers: internalHeaders(t.config) });
    expect(disconnect.statusCode).toBe(204);
    expect((await confirmAuthorizationHttp(t, buyer, id)).statusCode).toBe(404);
    expect(await authorizationRows(buyer)).toEqual([]);
  });
});
