import { describe, expect, it } from 'vitest';
import { MARKETPLACES as AMAZON_MARKETPLACES } from '../../src/simulator/index.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';
import { confirmAuthorizationHttp, listConnectionsHttp, newBuyer, newSeller } from './support.js';

const REDIRECT = 'https://broker.example.com/oauth/amazon/callback';

describe('OAuth website authorization workflow', () => {
  const t = useBroker({ config: { oauthRedirectUri: REDIRECT, spapiAppIsDraft: true } });


  async function authorize(buyer: string, body: Record<string, unknown> = {}) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/internal/buyers/${buyer}/amazon/authorize`,
      headers: internalHeaders(t.config),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().data as { authorize_url: string; state: string; expires_at: string };
  }

  const callback = (query: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: `/oauth/amazon/callback?${new URLSearchParams(query).toString()}` });

  it('builds the Seller Central consent URL of the region', async () => {
    const na = await authorize(newBuyer());
    const url = new URL(na.authorize_url);
    expect(url.origin).toBe('https://sellercentral.amazon.com');
    expect(url.pathname).toBe('/apps/authorize/consent');
    expect(url.searchParams.get('application_id')).toBe(t.config.spapiAppId);
    expect(url.searchParams.get('state')).toBe(na.state);
    expect(url.searchParams.get('version')).toBe('beta');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    const ttl = Date.parse(na.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);

    expect(new URL((await authorize(newBuyer(), { region: 'EU' })).authorize_url).origin).toBe('https://sellercentral-europe.amazon.com');
    expect(new URL((await authorize(newBuyer(), { region: 'FE' })).authorize_url).origin).toBe('https://sellercentral.amazon.co.jp');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/internal/buyers/${newBuyer()}/amazon/authorize`,
      headers: internalHeaders(t.config),
      payload: { region: 'UK' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("builds the consent URL on the named store's own Seller Central host, in that store's region", async () => {
    // Many stores have their own host (IN, AE, SA, TR, EG, ZA, AU, SG, BR, MX, JP…;
    // docs/amazon.md#regions-and-marketplaces).
    for (const store of Object.values(AMAZON_MARKETPLACES)) {
      const data = await authorize(newBuyer(), { marketplace_id: store.id });
      expect(new URL(data.authorize_url).origin, store.countryCode).toBe(store.sellerCentralUrl);
      const saved = await t.app.services.db.selectFrom('oauth_states').select('region').where('id', '=', data.state.split('.')[0]!).executeTakeFirst();
      expect(saved?.region, store.countryCode).toBe(store.region);
    }
    const wrongRegion = await t.app.inject({
      method: 'POST',
      url: `/internal/buyers/${newBuyer()}/amazon/authorize`,
      headers: internalHeaders(t.config),
      payload: { marketplace_id: 'A1VC38T7YXB528', region: 'EU' },
    });
    expect(wrongRegion.statusCode).toBe(400);
    expect(wrongRegion.json().error.details.field).toBe('body.region');
    const unknown = await t.app.inject({ method: 'POST', url: `/internal/buyers/${newBuyer()}/amazon/authorize`, headers: internalHeaders(t.config), payload: { marketplace_id: 'A2ZV50J4W1RKNI' } });
    expect(unknown.statusCode).toBe(400);
  });

  it('completes: exchanges the code, stores the authorization as pending (nobody connected), refuses a replay', async () => {
    const buyer = newBuyer();
    const { state } = await authorize(buyer);
    const code = t.sim.issueAuthorizationCode({ sellingPartnerId: 'A1SANDBOXNA0001' });
    t.sim.stats.reset();
    const done = await callback({ state, selling_partner_id: 'A1SANDBOXNA0001', spapi_oauth_code: code });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.headers['referrer-policy']).toBe('no-referrer');
    const data = done.json().data as { status: string; authorization_id: string; expires_at: string };
    expect(data.status).toBe('PENDING_CONFIRMATION');
    expect(data.authorization_id).toMatch(/^azp_[A-Za-z0-9_-]{24}$/);
    const ttl = Date.parse(data.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    expect(done.body).not.toContain('Atzr');
    expect(t.sim.stats.lwaCalls).toEqual({ authorization_code: 1, refresh_token: 0 });
    const exchange = t.sim.stats.requests.find((r) => r.operation === 'lwaToken');
    expect(exchange?.body).toMatchObject({ grant_type: 'authorization_code', redirect_uri: REDIRECT, code });

    // The callback alone connects nobody: the buyer's calls answer as before it.
    expect((await listConnectionsHttp(t, buyer)).json().data.connections).toEqual([]);
    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    const before = await callCapability(t.app, jobToken, 'connect.status');
    expect(before.statusCode).toBe(409);
    expect(before.json().error.code).toBe('NO_CONNECTION');

    const confirmed = await confirmAuthorizationHttp(t, buyer, data.authorization_id);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().data.connections.map((c: { marketplace_id: string }) => c.marketplace_id)).toEqual([
      'ATVPDKIKX0DER',
      'A2EUQ1WTGCTBG2',
      'A1AM78C64UM0Y8',
    ]);
    const after = await callCapability(t.app, jobToken, 'connect.status');
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json().data.selling_partner_id).toBe('A1SANDBOXNA0001');

    const replay = await callback({ state, selling_partner_id: 'A1SANDBOXNA0001', spapi_oauth_code: code });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.code).toBe('INVALID_REQUEST');
    expect(t.sim.stats.lwaCalls.authorization_code).toBe(1);
  });

  it('refuses a forged state without calling LWA', async () => {
    const { state } = await authorize(newBuyer());
    const [id, mac] = state.split('.') as [string, string];
    const flipped = `${id}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    t.sim.stats.reset();
    for (const forged of [flipped, `${id}x.${mac}`, id, 'garbage', `${state}.extra`]) {
      const response = await callback({ state: forged, selling_partner_id: 'A1SANDBOXNA0001', spapi_oauth_code: 'ANcode' });
      expect(response.statusCode, forged).toBe(400);
      expect(response.json().error.code).toBe('INVALID_REQUEST');
    }
    expect(t.sim.stats.lwaCalls.authorization_code).toBe(0);
  });

  it('refuses an expired state without calling LWA', async () => {
    const { state } = await authorize(newBuyer());
    await t.app.services.db
      .updateTable('oauth_states')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', state.split('.')[0]!)
      .execute();
    t.sim.stats.reset();
    const response = await callback({ state, selling_partner_id: 'A1SANDBOXNA0001', spapi_oauth_code: 'ANcode' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/expired or already used/);
    expect(t.sim.stats.lwaCalls.authorization_code).toBe(0);
  });

  it('redirects to return_to with amazon_authorization appended, and a used or expired code is INVALID_REQUEST', async () => {
    const seller = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const { state } = await authorize(buyer, { return_to: 'https://app.sellershorts.example/connected?x=1#done' });
    const code = t.sim.issueAuthorizationCode({ sellingPartnerId: seller.sellingPartnerId });
    const done = await callback({ state, selling_partner_id: seller.sellingPartnerId, spapi_oauth_code: code });
    expect(done.statusCode).toBe(302);
    const location = new URL(done.headers.location as string);
    expect(`${location.origin}${location.pathname}${location.hash}`).toBe('https://app.sellershorts.example/connected#done');
    expect(location.searchParams.get('x')).toBe('1');
    const id = location.searchParams.get('amazon_authorization')!;
    expect(id).toMatch(/^azp_/);
    expect(done.headers['referrer-policy']).toBe('no-referrer');
    expect((await listConnectionsHttp(t, buyer)).json().data.connections).toEqual([]);
    const confirmed = await confirmAuthorizationHttp(t, buyer, id);
    expect(confirmed.json().data.connections).toEqual([
      { marketplace_id: 'ATVPDKIKX0DER', region: 'NA', status: 'active', selling_partner_id: seller.sellingPartnerId },
    ]);

    const second = await authorize(buyer);
    const reused = await callback({ state: second.state, selling_partner_id: seller.sellingPartnerId, spapi_oauth_code: code });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.message).toMatch(/authorization code rejected/);
    expect(reused.body).not.toContain(code);
  });

  it('refuses a return_to that is no URL when the authorization starts, before the seller consents', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/internal/buyers/${newBuyer()}/amazon/authorize`,
      headers: internalHeaders(t.config),
      payload: { return_to: 'https://exa mple.com/' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.field).toBe('body.return_to');
  });

  it('refuses a callback whose selling_partner_id is not the seller the code belongs to', async () => {
    const attacker = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const victim = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const buyer = newBuyer();
    const { state } = await authorize(buyer);
    const code = t.sim.issueAuthorizationCode({ sellingPartnerId: attacker.sellingPartnerId });
    const spoofed = await callback({ state, selling_partner_id: victim.sellingPartnerId, spapi_oauth_code: code });
    expect(spoofed.statusCode).toBe(400);
    expect(spoofed.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'selling_partner_id' } });
    const listed = await t.app.inject({ url: `/internal/buyers/${buyer}/amazon/connections`, headers: internalHeaders(t.config) });
    expect(listed.json().data.connections).toEqual([]);
    // Nothing pending either: a refused callback stores no refresh token.
    expect(await t.app.services.db.selectFrom('amazon_pending_authorizations').select('id').where('buyer_id', '=', buyer).execute()).toEqual([]);
  });

  it('refuses an import whose selling_partner_id does not match the refresh token', async () => {
    const owner = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const other = newSeller(t.sim, ['ATVPDKIKX0DER']);
    const response = await t.app.inject({
      method: 'POST',
      url: `/internal/buyers/${newBuyer()}/amazon/connections`,
      headers: internalHeaders(t.config),
      payload: { selling_partner_id: other.sellingPartnerId, refresh_token: owner.refreshToken, region: 'NA' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.field).toBe('selling_partner_id');
  });
});
