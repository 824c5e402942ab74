import { describe, expect, it } from 'vitest';
import { callCapability, internalHeaders, mintToken, randomSuffix, type TestApp } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

/**
 * Embedded PGlite (sandbox, one instance): the caches hear its notifications in process. The
 * two-instance cases on Postgres are in test/foundation/instances.test.ts.
 */
const code = async (t: TestApp, token: string) => (await callCapability(t.app, token, 'products.list')).json().error.code as string;

describe('lookup caches on embedded PGlite (one instance)', () => {
  const t = useTestApp({}, { database: { url: undefined, drop: async () => {} } });

  it('drop a revoked token and a deleted order in process', async () => {
    const orderId = `order-${randomSuffix()}`;
    const buyerId = `buyer-${randomSuffix()}`;
    const revoked = await mintToken(t, { orderId, buyerId, capabilities: ['products.list'] });
    const kept = await mintToken(t, { orderId, buyerId, capabilities: ['products.list'] });
    for (const token of [revoked.jobToken, kept.jobToken]) expect(await code(t, token)).toBe('NO_CONNECTION');
    expect(t.app.services.caches.feed?.live).toBe(true);
    await t.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revoked.tokenId}`, headers: internalHeaders(t.config) });
    expect(await code(t, revoked.jobToken)).toBe('INVALID_TOKEN');
    await t.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(t.config) });
    expect(await code(t, kept.jobToken)).toBe('ORDER_NOT_FOUND');
  });
});

