import { expect } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { internalHeaders, randomSuffix, type TestApp } from './app.js';

/** A new buyer whose Amazon connection is imported for `seller` (the simulator's NA sandbox seller by default; region NA unless named). */
export async function connectBuyer(
  testApp: Pick<TestApp, 'app' | 'config'>,
  seller: { sellingPartnerId: string; refreshToken: string; region?: 'NA' | 'EU' | 'FE' } = SEED.sellers.NA,
): Promise<string> {
  const buyerId = `buyer-${randomSuffix()}`;
  const connected = await testApp.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(testApp.config),
    payload: { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: seller.region ?? 'NA' },
  });
  expect(connected.statusCode, connected.body).toBe(201);
  return buyerId;
}
