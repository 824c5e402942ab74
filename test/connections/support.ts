import { randomBytes } from 'node:crypto';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { internalHeaders, type TestApp } from '../helpers/app.js';

/** A seller of its own in the simulator, so tests that revoke or throttle never touch another test's seller. */
export function newSeller(sim: RunningSimulator, marketplaceIds: string[] = ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2']) {
  const sellingPartnerId = `A${randomBytes(6).toString('hex').toUpperCase()}`;
  const refreshToken = `Atzr|IwEBtest-${randomBytes(24).toString('base64url')}`;
  sim.addSeller({ sellingPartnerId, refreshToken, marketplaceIds });
  return { sellingPartnerId, refreshToken };
}

export const newBuyer = () => `buyer-${randomBytes(5).toString('hex')}`;

export function importConnection(
  t: Pick<TestApp, 'app' | 'config'>,
  buyerId: string,
  body: { selling_partner_id: string; refresh_token: string; region: string },
) {
  return t.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(t.config),
    payload: body,
  });
}

export function listConnectionsHttp(t: Pick<TestApp, 'app' | 'config'>, buyerId: string) {
  return t.app.inject({ method: 'GET', url: `/internal/buyers/${buyerId}/amazon/connections`, headers: internalHeaders(t.config) });
}

/** The access tokens Amazon (the simulator) handed out so far, as seen on the wire. */
export function accessTokensSeen(sim: RunningSimulator): string[] {
  return [...new Set(sim.stats.requests.map((r) => r.headers['x-amz-access-token']).filter((v): v is string => Boolean(v)))];
}

/** POST …/authorize for the buyer; the answer's data. */
export async function startAuthorization(t: Pick<TestApp, 'app' | 'config'>, buyerId: string, body: Record<string, unknown> = {}) {
  const response = await t.app.inject({ method: 'POST', url: `/internal/buyers/${buyerId}/amazon/authorize`, headers: internalHeaders(t.config), payload: body });
  if (response.statusCode !== 200) throw new Error(`authorize failed: ${response.statusCode} ${response.body}`);
  return response.json().data as { authorize_url: string; state: string; expires_at: string };
}

export const oauthCallback = (t: Pick<TestApp, 'app'>, query: Record<string, string>) =>
  t.app.inject({ method: 'GET', url: `/oauth/amazon/callback?${new URLSearchParams(query).toString()}` });

/**
 * The whole consent round trip as the seller's browser makes it: start for `buyerId`, the seller
 * consents at the simulator (an authorization code), Amazon redirects to the callback. Answers the
 * pending authorization's id; nobody is connected yet.
 */
export async function consentAs(t: Pick<TestApp, 'app' | 'config'>, sim: RunningSimulator, buyerId: string, sellingPartnerId: string): Promise<string> {
  const { state } = await startAuthorization(t, buyerId);
  const code = sim.issueAuthorizationCode({ sellingPartnerId });
  const response = await oauthCallback(t, { state, selling_partner_id: sellingPartnerId, spapi_oauth_code: code });
  if (response.statusCode !== 200) throw new Error(`callback failed: ${response.statusCode} ${response.body}`);
  return (response.json().data as { authorization_id: string }).authorization_id;
}

/** SellerShorts' confirm, for `buyerId` (the signed-in buyer). */
export const confirmAuthorizationHttp = (t: Pick<TestApp, 'app' | 'config'>, buyerId: string, authorizationId: string) =>
  t.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/authorizations/${authorizationId}/confirm`,
    headers: internalHeaders(t.config),
  });
