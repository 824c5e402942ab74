import { expect } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { internalHeaders, randomSuffix, type TestApp } from './app.js';

export type Region = 'NA' | 'EU' | 'FE';

/** A seller account as SellerShorts imports it: who, the refresh token it gave us, and its region (NA when absent). */
export interface Seller {
  sellingPartnerId: string;
  refreshToken: string;
  region?: Region;
}

/** The simulator's seeded seller of `region`, with that region (SEED's sellers do not name one). */
export const seededSeller = (region: Region = 'NA'): Seller => ({ ...SEED.sellers[region], region });

export const newBuyerId = () => `buyer-${randomSuffix()}`;

/** A buyer (new unless `buyerId` is given) whose Amazon connection is imported for `seller`, as SellerShorts would. */
export async function connectBuyer(testApp: Pick<TestApp, 'app' | 'config'>, seller: Seller = seededSeller('NA'), buyerId = newBuyerId()): Promise<string> {
  const connected = await testApp.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(testApp.config),
    payload: { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: seller.region ?? 'NA' },
  });
  expect(connected.statusCode, connected.body).toBe(201);
  return buyerId;
}
