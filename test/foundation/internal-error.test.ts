import { describe, expect, it } from 'vitest';
import { callCapability, mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp({}, { captureLogs: true });

describe('an unexpected failure', () => {
  it('is INTERNAL_ERROR 500 with the request id, logged, and never shows internals', async () => {
    const buyerId = `buyer-${randomSuffix()}`;
    const id = `auth-${randomSuffix()}`;
    await testApp.app.services.db
      .insertInto('amazon_authorizations')
      .values({ id, buyer_id: buyerId, region: 'NA', selling_partner_id: 'A1TEST', refresh_token_ciphertext: 'x', status: 'active', revoked_reason: null, updated_at: new Date() })
      .execute();
    await testApp.app.services.db
      .insertInto('amazon_connections')
      .values({ buyer_id: buyerId, marketplace_id: 'ATVPDKIKX0DER', authorization_id: id, region: 'NA', selling_partner_id: 'A1TEST' })
      .execute();
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['products.list'] });
    const forSeller = testApp.app.services.amazon.forSeller;
    testApp.app.services.amazon.forSeller = () => {
      throw new TypeError('internal detail: pool exploded at 10.0.0.7');
    };
    try {
      const response = await callCapability(testApp.app, jobToken, 'products.list', {}, { 'x-request-id': 'boom-1' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        ok: false,
        error: { code: 'INTERNAL_ERROR', message: 'unexpected error; quote request id boom-1 to support' },
      });
      expect(response.body).not.toContain('10.0.0.7');
      expect(testApp.logs.some((line) => line.includes('pool exploded') && line.includes('boom-1'))).toBe(true);
    } finally {
      testApp.app.services.amazon.forSeller = forSeller;
    }
  });
});
