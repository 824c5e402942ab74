import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { useBroker } from '../helpers/harness.js';
import { isLiveWrite } from '../writes/helpers.js';

/**
 * Issue 11, Amazon's side, end to end through the broker's HTTP API (test/spapi and test/lwa test
 * the same faults one component at a time): a stalled Amazon answers SP_API_ERROR within
 * SPAPI_TIMEOUT_MS; a reset connection is retried for a read and never for a write; an LWA outage
 * fails the call but revokes nothing. The broker keeps serving after each.
 */
const TIMEOUT_MS = 800;

describe('Amazon faults through the broker', () => {
  const broker = useBroker({ simulator: { rateLimits: false }, config: { spapiTimeoutMs: TIMEOUT_MS } });
  let buyerId: string;
  let jobToken: string;

  beforeAll(async () => {
    buyerId = await connectBuyer(broker);
    ({ jobToken } = await mintToken(broker, { buyerId, capabilities: ['listings.get', 'listings.update'] }));
  });

  const getListing = () => callCapability(broker.app, jobToken, 'listings.get', { sku: SANDBOX.sku });
  const calls = (operation: string, mark: number) => broker.sim.stats.requests.slice(mark).filter((r) => r.operation === operation);

  it('a stalled Amazon: SP_API_ERROR within SPAPI_TIMEOUT_MS, and the next call works', async () => {
    broker.sim.faults.stall('getListingsItem');
    const started = Date.now();
    const stalled = await getListing();
    const elapsed = Date.now() - started;
    broker.sim.faults.reset();
    expect(stalled.statusCode).toBe(502);
    expect(stalled.json().error.code).toBe('SP_API_ERROR');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 4);
    expect((await getListing()).statusCode).toBe(200);
  });

  it('a reset connection on a read is retried: the caller gets the listing', async () => {
    const mark = broker.sim.stats.requests.length;
    broker.sim.faults.resetNext(1, { operation: 'getListingsItem' });
    const answer = await getListing();
    expect(answer.statusCode, answer.body).toBe(200);
    expect(calls('getListingsItem', mark)).toHaveLength(2);
  });

  it('a reset connection on a write is never retried: one PATCH, the confirmation fails and stays failed', async () => {
    const staged = await callCapability(broker.app, jobToken, 'listings.update', {
      sku: SANDBOX.sku,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Reset Connection Mug' }] }],
    });
    expect(staged.statusCode, staged.body).toBe(200);
    const id = staged.json().data.confirmation_id as string;
    const mark = broker.sim.stats.requests.length;
    broker.sim.faults.resetNext(1, { operation: 'patchListingsItem' });
    const apply = () => broker.app.inject({ method: 'POST', url: `/internal/confirmations/${id}/apply`, headers: internalHeaders(broker.config) });
    const first = await apply();
    expect(first.statusCode).toBe(502);
    expect(first.json().error.code).toBe('SP_API_ERROR');
    expect((await apply()).json()).toEqual(first.json());
    expect(broker.sim.stats.requests.slice(mark).filter(isLiveWrite)).toHaveLength(1);
  });

  it('an LWA outage fails the call with SP_API_ERROR but revokes nothing; afterwards the same connection works', async () => {
    const { authorization_id: authorizationId } = await broker.app.services.db
      .selectFrom('amazon_connections')
      .select('authorization_id')
      .where('buyer_id', '=', buyerId)
      .executeTakeFirstOrThrow();
    await broker.app.services.amazon.accessTokens.forget(authorizationId);
    broker.sim.faults.lwaOutage = true;
    const during = await getListing();
    broker.sim.faults.lwaOutage = false;
    expect(during.statusCode).toBe(502);
    expect(during.json().error.code).toBe('SP_API_ERROR');
    const authorization = await broker.app.services.db.selectFrom('amazon_authorizations').select('status').where('id', '=', authorizationId).executeTakeFirstOrThrow();
    expect(authorization.status).toBe('active');
    // The LWA client backs off for a second after a failed refresh.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await getListing()).statusCode).toBe(200);
  });
});
