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
