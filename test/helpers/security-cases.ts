import { describe, expect, it } from 'vitest';
import type { TestApp } from './app.js';
import { callCapability, internalHeaders, mintToken, randomSuffix } from './app.js';
import { expectError } from './envelope.js';

/**
 * The security cases every capability must pass, whatever it does: no token, an altered token,
 * an expired one, a revoked one, a deleted order, and a capability the token was not granted.
 * `testApp` is read inside the tests only: a set-up stand-in (harness.ts `use…`) does.
 */
export function securityCases(capability: string, params: Record<string, unknown>, testApp: Pick<TestApp, 'app' | 'config'>) {
  describe(`${capability}: shared security cases`, () => {
    it('refuses a call without a token', async () => {
      expectError(await callCapability(testApp.app, undefined, capability, params), 401, 'INVALID_TOKEN');
    });

    it('refuses an altered token', async () => {
      const { jobToken } = await mintToken(testApp, { capabilities: [capability] });
      const last = jobToken.at(-1) === 'A' ? 'B' : 'A';
      expectError(await callCapability(testApp.app, jobToken.slice(0, -1) + last, capability, params), 401, 'INVALID_TOKEN');
    });

    it('refuses an expired token', async () => {
      const { jobToken, tokenId } = await mintToken(testApp, { capabilities: [capability] });
      await testApp.app.services.db.updateTable('job_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('token_id', '=', tokenId).execute();
      expectError(await callCapability(testApp.app, jobToken, capability, params), 401, 'INVALID_TOKEN');
    });

    it('refuses a revoked token', async () => {
      const { jobToken, tokenId } = await mintToken(testApp, { capabilities: [capability] });
      const revoked = await testApp.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${tokenId}`, headers: internalHeaders(testApp.config) });
      expect(revoked.statusCode).toBe(204);
      expectError(await callCapability(testApp.app, jobToken, capability, params), 401, 'INVALID_TOKEN');
    });

    it('answers ORDER_NOT_FOUND once the order is deleted', async () => {
      const orderId = `order-${randomSuffix()}`;
      const { jobToken } = await mintToken(testApp, { orderId, capabilities: [capability] });
      const deleted = await testApp.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(testApp.config) });
      expect(deleted.statusCode).toBe(204);
      expectError(await callCapability(testApp.app, jobToken, capability, params), 404, 'ORDER_NOT_FOUND');
    });

    it('refuses a capability the token was not granted', async () => {
      const other = capability === 'connect.status' ? 'products.list' : 'connect.status';
      const { jobToken } = await mintToken(testApp, { capabilities: [other] });
      expectError(await callCapability(testApp.app, jobToken, capability, params), 403, 'CAPABILITY_NOT_ALLOWED');
    });
  });
}
