import { describe, expect, it } from 'vitest';
import { internalHeaders } from '../helpers/app.js';
import { expectError } from '../helpers/envelope.js';
import { isLiveWrite, MUG_SKU, NA, stagedData, US, useWriteEnv } from './helpers.js';

describe('confirmations: failures, connection changes and interrupted applies', () => {
  const env = useWriteEnv();
  const SKU = MUG_SKU;

  const db = () => env.app.services.db;

  it('Amazon refusing the write is SP_API_ERROR; the confirmation fails with the error stored and is never re-sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const staged = await env.stageTitle('Refused Mug', jobToken);
    env.sim.faults.failNext(1, { status: 500, operation: 'patchListingsItem' });
    const mark = env.mark();
    const first = await env.apply(staged.confirmation_id);
    expectError(first, 502, 'SP_API_ERROR');
    expect((first.json() as { error: { details: { status: number } } }).error.details.status).toBe(500);
    const second = await env.apply(staged.confirmation_id);
    expect(second.json()).toEqual(first.json());
    expect(env.requestsSince(mark).filter((r) => r.operation === 'patchListingsItem')).toHaveLength(1);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'failed', error: { code: 'SP_API_ERROR' } });
  });

  it("Amazon's 429 on the write (it did not act) is RATE_LIMIT and leaves the confirmation pending; a later apply writes once", async () => {
    const staged = await env.stageTitle('Throttled Mug');
    env.sim.faults.throttle('patchListingsItem', { rate: 0.001, burst: 0 });
    const mark = env.mark();
    try {
      const throttled = await env.apply(staged.confirmation_id);
      expectError(throttled, 429, 'RATE_LIMIT');
      expect(throttled.headers['retry-after']).toBeDefined();
      expect(await env.confirmationStatus(staged.confirmation_id)).toBe('pending');
    } finally {
      env.sim.faults.reset();
    }
    const applied = await env.apply(staged.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    const patches = env.requestsSince(mark).filter((r) => r.operation === 'patchListingsItem');
    expect(patches.map((r) => r.status)).toEqual([429, 200]);
  });

  it('a throttled validation preview is asked again (it persists nothing), then RATE_LIMIT with nothing staged', async () => {
    const { jobToken, orderId } = await env.mint();
    env.sim.faults.throttle('patchListingsItem', { rate: 0.001, burst: 0 });
    const mark = env.mark();
    try {
      const answer = await env.call(jobToken, 'listings.update', env.titleUpdate('Preview Mug'));
      expectError(answer, 429, 'RATE_LIMIT');
    } finally {
      env.sim.faults.reset();
    }
    const patches = env.requestsSince(mark).filter((r) => r.operation === 'patchListingsItem');
    expect(patches.map((r) => [r.query.mode, r.status])).toEqual(Array(3).fill(['VALIDATION_PREVIEW', 429]));
    expect(await env.list(orderId)).toEqual([]);
  });

  it('an auto-applied write that fails is closed as failed (the agent sees the error; no pending duplicate lingers)', async () => {
    const { jobToken, orderId } = await env.mint({ autoApply: ['messaging.request_review'] });
    const order = NA.orders.eligible[0]!;
    env.sim.faults.throttle('createProductReviewAndSellerFeedbackSolicitation', { rate: 0.001, burst: 0 });
    try {
      expectError(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }), 429, 'RATE_LIMIT');
    } finally {
      env.sim.faults.reset();
    }
    expect((await env.list(orderId)).map((c) => [c.status, (c.error as { code: string }).code])).toEqual([['failed', 'RATE_LIMIT']]);
  });

  it('re-resolves the connection: a revoked authorization is TOKEN_EXPIRED and leaves it pending; reconnected, it applies', async () => {
    const staged = await env.stageTitle('Revoked Mug');
    await db().updateTable('amazon_authorizations').set({ status: 'revoked' }).where('buyer_id', '=', env.buyerId).execute();
    const mark = env.mark();
    expectError(await env.apply(staged.confirmation_id), 409, 'TOKEN_EXPIRED');
    expect(env.requestsSince(mark)).toEqual([]);
    expect(await env.confirmationStatus(staged.confirmation_id)).toBe('pending');
    await db().updateTable('amazon_authorizations').set({ status: 'active' }).where('buyer_id', '=', env.buyerId).execute();
    expect((await env.apply(staged.confirmation_id)).statusCode).toBe(200);
  });

  it('a disconnected buyer gets NO_CONNECTION; a buyer now connected as another seller is refused', async () => {
    const staged = await env.stageTitle('Disconnected Mug');
    const connections = `/internal/buyers/${env.buyerId}/amazon/connections`;
    expect((await env.app.inject({ method: 'DELETE', url: connections, headers: internalHeaders(env.config) })).statusCode).toBe(204);
    expectError(await env.apply(staged.confirmation_id), 409, 'NO_CONNECTION');
    env.sim.addSeller({ sellingPartnerId: 'A9OTHERSELLER9', refreshToken: 'Atzr|other-na', marketplaceIds: [US] });
    const other = await env.app.inject({
      method: 'POST',
      url: connections,
      headers: internalHeaders(env.config),
      payload: { selling_partner_id: 'A9OTHERSELLER9', refresh_token: 'Atzr|other-na', region: 'NA' },
    });
    expect(other.statusCode, other.body).toBe(201);
    const mark = env.mark();
    expect(expectError(await env.apply(staged.confirmation_id), 409, 'INVALID_REQUEST').message).toMatch(/staged for Amazon seller A1SANDBOXNA0001/);
    expect(env.requestsSince(mark)).toEqual([]);
    const back = await env.app.inject({
      method: 'POST',
      url: connections,
      headers: internalHeaders(env.config),
      payload: { selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' },
    });
    expect(back.statusCode).toBe(201);
    expect((await env.apply(staged.confirmation_id)).statusCode).toBe(200);
  });

  it('a deleted order: ORDER_NOT_FOUND, nothing sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const staged = await env.stageTitle('Deleted Order Mug', jobToken);
    expect((await env.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(env.config) })).statusCode).toBe(204);
    const mark = env.mark();
    expectError(await env.apply(staged.confirmation_id), 404, 'ORDER_NOT_FOUND');
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('an interrupted listings apply (lease expired) whose change Amazon does not show is sent once', async () => {
    const staged = await env.stageTitle('Interrupted Mug');
    await db().updateTable('confirmations').set({ status: 'applying', updated_at: new Date(Date.now() - 10 * 60_000) }).where('id', '=', staged.confirmation_id).execute();
    const mark = env.mark();
    const answer = await env.apply(staged.confirmation_id);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
  });

  it('an interrupted feed apply is never re-sent: it fails, telling the buyer to check Seller Central', async () => {
    const { jobToken, orderId } = await env.mint();
    const content = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: 'NO-SUCH-SKU-INTERRUPTED', operationType: 'DELETE' }] };
    const staged = stagedData(await env.call(jobToken, 'listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content }));
    await db().updateTable('confirmations').set({ status: 'applying', updated_at: new Date(Date.now() - 10 * 60_000) }).where('id', '=', staged.confirmation_id).execute();
    const mark = env.mark();
    const first = await env.apply(staged.confirmation_id);
    expect(expectError(first, 409, 'INVALID_REQUEST').message).toMatch(/interrupted.*will not re-send.*Seller Central/);
    expect((await env.apply(staged.confirmation_id)).json()).toEqual(first.json());
    expect(env.requestsSince(mark)).toEqual([]);
    expect((await env.list(orderId))[0]?.status).toBe('failed');
  });
});
