import { describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import { expectError } from '../helpers/envelope.js';
import { expectStagedShape, isLiveWrite, NA, stagedData, useWriteEnv, US } from './helpers.js';

describe('messaging.request_review', () => {
  const env = useWriteEnv();
  const eligible = [...NA.orders.eligible];
  const nextOrder = () => {
    const id = eligible.shift();
    if (!id) throw new Error('out of eligible seeded orders');
    return id;
  };

  it('asks Amazon before staging, then sends once; Solicitations calls accept application/hal+json', async () => {
    const { jobToken } = await env.mint();
    const order = nextOrder();
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }));
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([{ path: `/orders/${order}/solicitations/productReviewAndSellerFeedback`, before: expect.stringMatching(/^not requested/), after: 'requested' }]);
    expect(env.requestsSince(mark).map((r) => `${r.method} ${r.operation}`)).toEqual(['GET getSolicitationActionsForOrder']);
    expect(env.requestsSince(mark)[0]?.headers.accept).toContain('application/hal+json');

    const mark2 = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().data.result).toEqual({ amazon_order_id: order, sent: true });
    const calls = env.requestsSince(mark2);
    expect(calls.map((r) => `${r.method} ${r.operation}`)).toEqual(['POST createProductReviewAndSellerFeedbackSolicitation']);
    expect(calls[0]?.query).toEqual({ marketplaceIds: US });
    expect(calls[0]?.headers.accept).toContain('application/hal+json');
    expect((await env.apply(data.confirmation_id)).json()).toEqual(applied.json());
    expect(env.requestsSince(mark2).filter(isLiveWrite)).toHaveLength(1);

    // Amazon now offers no review request for the order, and the broker knows it sent one.
    const again = await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order });
    expect(expectError(again, 400, 'INVALID_REQUEST').message).toMatch(/was already sent/);
  });

  it('refuses orders Amazon does not offer a review request for, with a reason that stays true when Amazon lists none for an eligible order', async () => {
    const { jobToken, orderId } = await env.mint();
    // The last one is eligible, yet Amazon lists no action for it: the message must not say it is ineligible.
    for (const order of [NA.orders.alreadySolicited, NA.orders.tooLate, NA.orders.tooEarly, NA.orders.eligibleUnlisted]) {
      const message = expectError(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }), 400, 'INVALID_REQUEST').message;
      expect(message).toMatch(/Amazon does not offer a review request for this order now.*one per order.*5 days after the earliest delivery date to 30 days after the latest/);
      expect(message).toMatch(/most likely already requested or .* outside that window\. Amazon sometimes lists no action for an order that is eligible: if you are sure it is, try again later/);
    }
    expect(expectError(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: NA.orders.unknown }), 502, 'SP_API_ERROR').message).toMatch(/not an order of this seller/);
    expect(expectError(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: '123-456' }), 400, 'INVALID_REQUEST').message).toMatch(/params\.amazon_order_id/);
    expect(await env.list(orderId)).toEqual([]);
  });

  it('refuses to stage a second request for an order already staged', async () => {
    const { jobToken } = await env.mint();
    const order = nextOrder();
    const first = stagedData(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }));
    const second = await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order });
    expect(expectError(second, 400, 'INVALID_REQUEST').message).toContain(first.confirmation_id);
    // Rejected, it no longer blocks.
    expect((await env.reject(first.confirmation_id)).statusCode).toBe(204);
    stagedData(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }));
  });

  it("no longer eligible when sent: Amazon's 403 becomes INVALID_REQUEST saying why, failed, never re-sent", async () => {
    const order = nextOrder();
    const a = await env.mint();
    const staged = stagedData(await env.call(a.jobToken, 'messaging.request_review', { amazon_order_id: order }));
    // Meanwhile the review request goes out another way (here: directly at Amazon).
    await env.seller.post(`/solicitations/v1/orders/${order}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`);
    const mark = env.mark();
    const applied = await env.apply(staged.confirmation_id);
    expect(expectError(applied, 400, 'INVALID_REQUEST').message).toMatch(/not eligible for a review request: Amazon refused it \(403 Unauthorized\), as it does when a review was already requested for the order or the order is outside the window/);
    expect(applied.json().error.details).toMatchObject({ status: 403, errors: [{ code: 'Unauthorized' }], field: 'params.amazon_order_id', rule: 'REVIEW_NOT_ELIGIBLE' });
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['createProductReviewAndSellerFeedbackSolicitation']);
    expect((await env.list(a.orderId))[0]).toMatchObject({ status: 'failed' });
    expect((await env.apply(staged.confirmation_id)).json()).toEqual(applied.json());
  });

  it('auto-applies when the token says so', async () => {
    const { jobToken } = await env.mint({ autoApply: ['messaging.request_review'] });
    const order = nextOrder();
    const data = stagedData(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: order }));
    expect(data.status).toBe('APPLIED');
    expect(data.result).toEqual({ amazon_order_id: order, sent: true });
  });

  securityCases('messaging.request_review', { amazon_order_id: NA.orders.eligible[7] }, env);
});
