import { describe, expect, it } from 'vitest';
import { randomSuffix } from '../helpers/app.js';
import { expectError } from '../helpers/envelope.js';
import { isLiveWrite, MUG_SKU, stagedData, useWriteEnv } from './helpers.js';

describe('Idempotency-Key on capability calls', () => {
  const env = useWriteEnv();
  const SKU = MUG_SKU;

  const params = (title: string) => ({ sku: SKU, product_type: env.mugProductType, patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: title }] }] });
  const key = () => ({ 'idempotency-key': `key-${randomSuffix()}` });

  it('the same key and body replays the first answer and calls Amazon once', async () => {
    const { jobToken, orderId } = await env.mint();
    const headers = key();
    const mark = env.mark();
    const first = await env.call(jobToken, 'listings.update', params('Idempotent Mug'), headers);
    const second = await env.call(jobToken, 'listings.update', params('Idempotent Mug'), headers);
    expect(stagedData(second).confirmation_id).toBe(stagedData(first).confirmation_id);
    expect(second.body).toBe(first.body);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['getListingsItem', 'patchListingsItem']);
    expect(await env.list(orderId)).toHaveLength(1);
  });

  it('a write that failed after it may have reached Amazon is replayed, never re-sent', async () => {
    const { jobToken, orderId } = await env.mint({ autoApply: ['listings.upload_feed'] });
    const headers = key();
    const content = { header: { version: '2.0' }, messages: [{ messageId: 1, sku: 'NO-SUCH-SKU-IDEMPOTENT', operationType: 'DELETE' }] };
    const feed = { feed_type: 'JSON_LISTINGS_FEED', content };
    const mark = env.mark();
    env.sim.faults.failNext(1, { status: 500, operation: 'createFeed' });
    const first = await env.call(jobToken, 'listings.upload_feed', feed, headers);
    expect(first.statusCode).toBe(502);
    const retry = await env.call(jobToken, 'listings.upload_feed', feed, headers);
    expect(retry.statusCode).toBe(502);
    expect(retry.body).toBe(first.body);
    expect(env.requestsSince(mark).filter((r) => r.operation === 'createFeed')).toHaveLength(1);
    expect(await env.list(orderId)).toHaveLength(1);
  });

  it('a duplicate arriving while the first runs waits for it', async () => {
    const { jobToken, orderId } = await env.mint({ autoApply: ['listings.update'] });
    const headers = key();
    const mark = env.mark();
    const answers = await Promise.all(Array.from({ length: 5 }, () => env.call(jobToken, 'listings.update', params('Concurrent Idempotent Mug'), headers)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(5).fill(200));
    const data = answers.map((a) => (a.json() as { data: unknown }).data);
    for (const d of data) expect(d).toEqual(data[0]);
    expect(stagedData(answers[0]!).status).toBe('APPLIED');
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
    expect(await env.list(orderId)).toHaveLength(1);
  });

  it('the same key with a different body is 422 INVALID_REQUEST', async () => {
    const { jobToken } = await env.mint();
    const headers = key();
    stagedData(await env.call(jobToken, 'listings.update', params('First Body Mug'), headers));
    const mark = env.mark();
    const other = await env.call(jobToken, 'listings.update', params('Second Body Mug'), headers);
    expect(expectError(other, 422, 'INVALID_REQUEST').message).toMatch(/Idempotency-Key/);
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it("keys are scoped to the token's order", async () => {
    const headers = key();
    const a = await env.mint();
    const b = await env.mint();
    const first = stagedData(await env.call(a.jobToken, 'listings.update', params('Scoped Mug'), headers));
    const second = stagedData(await env.call(b.jobToken, 'listings.update', params('Scoped Mug'), headers));
    expect(second.confirmation_id).not.toBe(first.confirmation_id);
    // Another token of the same order shares the key space.
    const a2 = await env.mint({ orderId: a.orderId });
    expect(stagedData(await env.call(a2.jobToken, 'listings.update', params('Scoped Mug'), headers)).confirmation_id).toBe(first.confirmation_id);
  });

  it('keys last 24 hours', async () => {
    const { jobToken, orderId } = await env.mint();
    const headers = key();
    const first = stagedData(await env.call(jobToken, 'listings.update', params('Day Old Mug'), headers));
    await env.app.services.db
      .updateTable('idempotency_records')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('order_id', '=', orderId)
      .where('idempotency_key', '=', headers['idempotency-key'])
      .execute();
    const later = stagedData(await env.call(jobToken, 'listings.update', params('Day Old Mug'), headers));
    expect(later.confirmation_id).not.toBe(first.confirmation_id);
    const record = await env.app.services.db.selectFrom('idempotency_records').select('expires_at').where('order_id', '=', orderId).executeTakeFirstOrThrow();
    const hours = (record.expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });
});
