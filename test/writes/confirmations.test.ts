import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { internalHeaders, randomSuffix } from '../helpers/app.js';
import { expectError } from '../helpers/envelope.js';
import { isLiveWrite, MUG_SKU, US, useWriteEnv } from './helpers.js';

describe('confirmations: apply exactly once, reject, expiry', () => {
  const env = useWriteEnv();
  const SKU = MUG_SKU;

  const db = () => env.app.services.db;

  it('10 concurrent applies: one PATCH at Amazon, ten equal answers', async () => {
    const staged = await env.stageTitle('Concurrent Mug');
    const mark = env.mark();
    const answers = await Promise.all(Array.from({ length: 10 }, () => env.apply(staged.confirmation_id)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(env.requestsSince(mark).filter(isLiveWrite)).toHaveLength(1);
    expect(await env.confirmationStatus(staged.confirmation_id)).toBe('applied');
  });

  it('lists the staged writes of an order with their preview, status and result', async () => {
    const { jobToken, orderId } = await env.mint();
    const a = await env.stageTitle('Listed Mug A', jobToken);
    const b = await env.stageTitle('Listed Mug B', jobToken);
    await env.apply(a.confirmation_id);
    const listed = await env.list(orderId);
    expect(listed.map((c) => [c.id, c.status])).toEqual([
      [a.confirmation_id, 'applied'],
      [b.confirmation_id, 'pending'],
    ]);
    expect(listed[0]).toMatchObject({
      capability: 'listings.update',
      marketplace_id: US,
      summary: a.confirm.summary,
      diff_preview: a.confirm.diff_preview,
      validation: a.validation,
      expires_at: a.expires_at,
      result: { sku: SKU, status: 'ACCEPTED' },
    });
    expect(listed[0]?.applied_at).toEqual(expect.any(String));
    expect(listed[1]).not.toHaveProperty('result');
    expect(await env.list('order-never-seen')).toEqual([]);
    const audit = await env.app.inject({ method: 'GET', url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(env.config) });
    expect((audit.json().data.events as { outcome: string }[]).map((e) => e.outcome)).toEqual(['PENDING_CONFIRMATION', 'PENDING_CONFIRMATION', 'APPLIED']);
  });

  it('reject closes a confirmation: 204, then apply is 409 INVALID_REQUEST and nothing is sent', async () => {
    const staged = await env.stageTitle('Rejected Mug');
    expect((await env.reject(staged.confirmation_id)).statusCode).toBe(204);
    expect((await env.reject(staged.confirmation_id)).statusCode).toBe(204);
    const mark = env.mark();
    expect(expectError(await env.apply(staged.confirmation_id), 409, 'INVALID_REQUEST').message).toMatch(/rejected/);
    expect(env.requestsSince(mark)).toEqual([]);
    expect(await env.confirmationStatus(staged.confirmation_id)).toBe('rejected');
  });

  it('an applied confirmation cannot be rejected; unknown ids are 404', async () => {
    const staged = await env.stageTitle('Applied Then Rejected Mug');
    expect((await env.apply(staged.confirmation_id)).statusCode).toBe(200);
    expectError(await env.reject(staged.confirmation_id), 409, 'INVALID_REQUEST');
    expectError(await env.apply('cnf_doesnotexist000000'), 404, 'INVALID_REQUEST');
    expectError(await env.reject('cnf_doesnotexist000000'), 404, 'INVALID_REQUEST');
    expectError(await env.apply('not-a-confirmation'), 400, 'INVALID_REQUEST');
  });

  it('expiry closes a confirmation: apply is 409 and the list says expired', async () => {
    const { jobToken, orderId } = await env.mint();
    const staged = await env.stageTitle('Expired Mug', jobToken);
    await db().updateTable('confirmations').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', staged.confirmation_id).execute();
    const mark = env.mark();
    expect(expectError(await env.apply(staged.confirmation_id), 409, 'INVALID_REQUEST').message).toMatch(/expired/);
    expect(env.requestsSince(mark)).toEqual([]);
    expect((await env.list(orderId))[0]?.status).toBe('expired');
    expect((await env.reject(staged.confirmation_id)).statusCode).toBe(204);
  });

  it('a second apply while one is running waits for its outcome', async () => {
    const staged = await env.stageTitle('Waiting Mug');
    await db().updateTable('confirmations').set({ status: 'applying', updated_at: new Date() }).where('id', '=', staged.confirmation_id).execute();
    const waiting = env.apply(staged.confirmation_id);
    await sleep(300);
    const result = { sku: SKU, status: 'ACCEPTED', submission_id: 'from-the-other-apply', issues: [] };
    await db()
      .updateTable('confirmations')
      .set({ status: 'applied', result: JSON.stringify(result), applied_at: new Date() })
      .where('id', '=', staged.confirmation_id)
      .execute();
    const answer = await waiting;
    expect(answer.statusCode).toBe(200);
    expect(answer.json().data).toEqual({ status: 'APPLIED', confirmation_id: staged.confirmation_id, result });
  });

  it('confirmation ids are unguessable and internal routes need the internal key', async () => {
    const staged = await env.stageTitle(`Keyed Mug ${randomSuffix()}`);
    expect(staged.confirmation_id.length).toBeGreaterThanOrEqual(26);
    const noKey = await env.app.inject({ method: 'POST', url: `/internal/confirmations/${staged.confirmation_id}/apply` });
    expectError(noKey, 401, 'INVALID_TOKEN');
    const wrongKey = await env.app.inject({ method: 'GET', url: '/internal/confirmations?order_id=x', headers: { authorization: 'Bearer nope' } });
    expectError(wrongKey, 401, 'INVALID_TOKEN');
    expect(await env.confirmationStatus(staged.confirmation_id)).toBe('pending');
  });
});
