import { describe, expect, it } from 'vitest';
import { findConnection, refreshTokenAad } from '../../src/connections/repository.js';
import { fetchParticipations } from '../../src/connections/participations.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';
import { accessTokensSeen, importConnection, listConnectionsHttp, newBuyer, newSeller } from './support.js';

describe('no secret in any response or log line', () => {
  const t = useBroker({ config: { aws: { accessKeyId: 'AKIDSECRETTEST', secretAccessKey: 'aws-secret-never-logged' } }, app: { captureLogs: true } });
  const bodies: string[] = [];

  it('covers import, OAuth, status, revocation, LWA outage and Amazon errors', async () => {
    const record = (response: { body: string; headers: Record<string, unknown> }) => {
      bodies.push(response.body, JSON.stringify(response.headers));
      return response;
    };
    const seller = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    record(await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' }));
    record(await importConnection(t, buyer, { selling_partner_id: seller.sellingPartnerId, refresh_token: 'Atzr|wrong-secret-token', region: 'NA' }));
    record(await listConnectionsHttp(t, buyer));
    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    record(await callCapability(t.app, jobToken, 'connect.status'));

    // OAuth: a successful callback, a replayed one, and the confirms.
    // (Its answer carries the state on purpose: it is handed to Amazon. Checked apart below.)
    const authorize = await t.app.inject({ method: 'POST', url: `/internal/buyers/${buyer}/amazon/authorize`, headers: internalHeaders(t.config), payload: {} });
    const state = JSON.parse(authorize.body).data.state as string;
    const code = t.sim.issueAuthorizationCode({ sellingPartnerId: 'A1SANDBOXNA0001' });
    const url = `/oauth/amazon/callback?state=${encodeURIComponent(state)}&selling_partner_id=A1SANDBOXNA0001&spapi_oauth_code=${code}`;
    const pending = record(await t.app.inject({ method: 'GET', url }));
    record(await t.app.inject({ method: 'GET', url }));
    // SellerShorts' confirm, a repeat, and one by another buyer.
    const authorizationId = JSON.parse(pending.body).data.authorization_id as string;
    const confirmUrl = (b: string) => `/internal/buyers/${b}/amazon/authorizations/${authorizationId}/confirm`;
    for (const b of [buyer, buyer, newBuyer()]) record(await t.app.inject({ method: 'POST', url: confirmUrl(b), headers: internalHeaders(t.config) }));
    const oauthGrant = await t.app.services.db.selectFrom('amazon_authorizations').select(['id', 'refresh_token_ciphertext']).where('buyer_id', '=', buyer).executeTakeFirstOrThrow();
    const oauthRefreshToken = t.app.services.vault.decrypt(oauthGrant.refresh_token_ciphertext, refreshTokenAad(oauthGrant.id, buyer));

    // LWA outage and Amazon errors, through the client.
    const connection = (await findConnection(t.app.services.db, buyer))!;
    const context = { authorizationId: connection.authorizationId, buyerId: buyer, sellingPartnerId: connection.sellingPartnerId, region: 'NA' as const };
    t.sim.faults.failNext(3, { status: 500 });
    const failed = await fetchParticipations(t.app.services.amazon.forSeller(context, { log: t.app.log })).catch((e: Error) => e);
    bodies.push(JSON.stringify(failed), String(failed));
    // Revocation.
    const other = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const otherBuyer = newBuyer();
    await importConnection(t, otherBuyer, { selling_partner_id: other.sellingPartnerId, refresh_token: other.refreshToken, region: 'NA' });
    t.sim.revokeRefreshToken(other.refreshToken);
    const otherConnection = (await findConnection(t.app.services.db, otherBuyer))!;
    const revoked = await fetchParticipations(
      t.app.services.amazon.forSeller({ ...context, authorizationId: otherConnection.authorizationId, sellingPartnerId: other.sellingPartnerId }, { log: t.app.log }),
    ).catch((e: Error) => e);
    bodies.push(JSON.stringify(revoked), String(revoked));
    // An LWA outage on a cold cache.
    await t.app.services.amazon.accessTokens.forget(connection.authorizationId);
    t.sim.faults.lwaOutage = true;
    const outage = await t.app.services.amazon.accessTokens.get(connection.authorizationId).catch((e: Error) => e);
    t.sim.faults.lwaOutage = false;
    bodies.push(JSON.stringify(outage), String(outage));

    const secrets = [
      seller.refreshToken,
      other.refreshToken,
      'Atzr|wrong-secret-token',
      'Atzr|sandbox-na',
      code,
      oauthRefreshToken,
      state,
      t.config.lwaClientSecret === 'sandbox-secret' ? 'sandbox-secret' : t.config.lwaClientSecret,
      t.config.internalApiKey,
      t.config.vaultKeys.split(':')[1]!,
      'aws-secret-never-logged',
      ...accessTokensSeen(t.sim),
    ];
    expect(accessTokensSeen(t.sim).length).toBeGreaterThan(0);
    expect(t.logs.length).toBeGreaterThan(5);
    const haystack = [...t.logs, ...bodies];
    for (const secret of secrets) {
      for (const line of haystack) expect(line.includes(secret), `secret leaked in: ${line.slice(0, 300)}`).toBe(false);
    }
    for (const secret of secrets.filter((s) => s !== state)) expect(authorize.body.includes(secret)).toBe(false);
    // The debug log names the operation, status and request id of SP-API calls.
    expect(t.logs.some((l) => l.includes('"operation":"getMarketplaceParticipations"') && l.includes('"request_id"'))).toBe(true);
  });
});
