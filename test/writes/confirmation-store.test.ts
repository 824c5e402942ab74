import { describe, expect, it } from 'vitest';
import { randomId } from '../../src/auth/secrets.js';
import {
  claimPending,
  expireDue,
  findConfirmation,
  findOpenReviewRequest,
  finishClaim,
  insertConfirmation,
  listConfirmations,
  rejectPending,
  takeOverClaim,
} from '../../src/confirmations/repository.js';
import { randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

describe('confirmation store', () => {
  const testApp = useTestApp();
  const db = () => testApp.app.services.db;


  async function insert(overrides: { orderId?: string; capability?: string; params?: Record<string, unknown>; expiresInMs?: number; buyerId?: string } = {}) {
    const id = randomId('cnf');
    const now = new Date();
    await insertConfirmation(db(), {
      id,
      orderId: overrides.orderId ?? `order-${randomSuffix()}`,
      buyerId: overrides.buyerId ?? 'buyer-1',
      tokenId: 'tok_1',
      capability: overrides.capability ?? 'listings.update',
      marketplaceId: 'ATVPDKIKX0DER',
      region: 'NA',
      params: overrides.params ?? { sku: 'A' },
      preview: { summary: 's', diff_preview: [{ path: '/attributes/item_name', before: null, after: [{ value: 'x' }] }], issues: [], selling_partner_id: 'A1' },
      status: 'pending',
      expiresAt: new Date(now.getTime() + (overrides.expiresInMs ?? 60_000)),
      now,
    });
    return id;
  }

  it('round-trips a confirmation', async () => {
    const id = await insert({ params: { sku: 'SKU/1', patches: [{ op: 'delete', path: '/attributes/x' }] } });
    const record = await findConfirmation(db(), id);
    expect(record).toMatchObject({ id, status: 'pending', params: { sku: 'SKU/1', patches: [{ op: 'delete', path: '/attributes/x' }] }, result: null, error: null, orderDeleted: false });
    expect(record?.preview.diff_preview[0]?.path).toBe('/attributes/item_name');
  });

  it('exactly one of many concurrent claims wins', async () => {
    const id = await insert();
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimPending(db(), id, new Date())));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await findConfirmation(db(), id))?.status).toBe('applying');
  });

  it('only the claim holder finishes; a stale claim can be taken over once', async () => {
    const id = await insert();
    const claim = (await claimPending(db(), id))!;
    expect(await finishClaim(db(), id, new Date(claim.getTime() - 1), { status: 'applied', result: 1 })).toBe(false);
    const taken = await Promise.all([takeOverClaim(db(), id, claim, new Date(claim.getTime() + 5)), takeOverClaim(db(), id, claim, new Date(claim.getTime() + 6))]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await finishClaim(db(), id, claim, { status: 'applied', result: 1 })).toBe(false);
    expect(await finishClaim(db(), id, taken.find(Boolean)!, { status: 'applied', result: { ok: 1 } })).toBe(true);
    const record = await findConfirmation(db(), id);
    expect(record).toMatchObject({ status: 'applied', result: { ok: 1 } });
    expect(record?.appliedAt).toBeInstanceOf(Date);
  });

  it('a released claim is pending again; a failed one keeps its error', async () => {
    const id = await insert();
    const claim = (await claimPending(db(), id))!;
    expect(await finishClaim(db(), id, claim, { status: 'pending' })).toBe(true);
    const again = (await claimPending(db(), id))!;
    expect(await finishClaim(db(), id, again, { status: 'failed', error: { code: 'SP_API_ERROR', message: 'no', http_status: 502, details: { status: 400 } } })).toBe(true);
    expect((await findConfirmation(db(), id))?.error).toEqual({ code: 'SP_API_ERROR', message: 'no', http_status: 502, details: { status: 400 } });
    expect(await claimPending(db(), id)).toBeUndefined();
  });

  it('rejects and expires only pending confirmations; an expired one cannot be claimed', async () => {
    const orderId = `order-${randomSuffix()}`;
    const a = await insert({ orderId });
    const b = await insert({ orderId, expiresInMs: -1 });
    expect(await claimPending(db(), b)).toBeUndefined();
    expect((await expireDue(db(), { orderId })).map((c) => c.id)).toEqual([b]);
    expect(await rejectPending(db(), a)).toMatchObject({ id: a, order_id: orderId });
    expect(await rejectPending(db(), a)).toBeUndefined();
    expect(await rejectPending(db(), b)).toBeUndefined();
    const listed = await listConfirmations(db(), orderId);
    expect(Object.fromEntries(listed.map((c) => [c.id, c.status]))).toEqual({ [a]: 'rejected', [b]: 'expired' });
  });

  it('finds an open review request of the buyer for an Amazon order', async () => {
    const buyerId = `buyer-${randomSuffix()}`;
    const order = '123-1234567-1234567';
    expect(await findOpenReviewRequest(db(), buyerId, order)).toBeUndefined();
    const id = await insert({ buyerId, capability: 'messaging.request_review', params: { amazon_order_id: order } });
    expect((await findOpenReviewRequest(db(), buyerId, order))?.id).toBe(id);
    expect(await findOpenReviewRequest(db(), 'someone-else', order)).toBeUndefined();
    await rejectPending(db(), id);
    expect(await findOpenReviewRequest(db(), buyerId, order)).toBeUndefined();
    await insert({ buyerId, capability: 'messaging.request_review', params: { amazon_order_id: order }, expiresInMs: -1 });
    expect(await findOpenReviewRequest(db(), buyerId, order)).toBeUndefined();
  });
});
