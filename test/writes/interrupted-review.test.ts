import { describe, expect, it } from 'vitest';
import { APPLY_LEASE_MS } from '../../src/confirmations/types.js';
import { expectError } from '../helpers/envelope.js';
import { NA, stagedData, useWriteEnv } from './helpers.js';

/**
 * Issue 11: a review request whose apply was interrupted (the owner died, its lease ran out) is
 * neither lost nor sent twice: the broker asks Amazon whether the order still offers the request.
 * Offered → it was never sent: sent once now. Not offered → most likely sent: failed, not sent again.
 */
describe('messaging.request_review interrupted mid-apply', () => {
  const env = useWriteEnv();
  const eligible = [...NA.orders.eligible];

  const stage = async () => {
    const { jobToken } = await env.mint({ capabilities: ['messaging.request_review'] });
    return stagedData(await env.call(jobToken, 'messaging.request_review', { amazon_order_id: eligible.shift() })).confirmation_id;
  };
  /** What a crash leaves: `applying`, with a claim older than the lease. */
  const interrupted = (id: string) =>
    env.app.services.db.updateTable('confirmations').set({ status: 'applying', updated_at: new Date(Date.now() - APPLY_LEASE_MS - 1000) }).where('id', '=', id).execute();
  const posts = (mark: number) => env.requestsSince(mark).filter((r) => r.method === 'POST');

  it('never reached Amazon: Amazon still offers it, so it is sent once now and says so', async () => {
    const id = await stage();
    await interrupted(id);
    const mark = env.mark();
    const answer = await env.apply(id);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().data.result).toMatchObject({ sent: true, recovery: expect.stringMatching(/interrupted.*sent once now/) });
    expect(posts(mark)).toHaveLength(1);
  });

  it('reached Amazon before the crash: Amazon no longer offers it, so it fails without a second POST', async () => {
    const id = await stage();
    expect((await env.apply(id)).statusCode).toBe(200);
    // The process died after Amazon's answer, before the commit: the row still says applying.
    await env.app.services.db.updateTable('confirmations').set({ result: null, applied_at: null }).where('id', '=', id).execute();
    await interrupted(id);
    const mark = env.mark();
    const first = await env.apply(id);
    expect(expectError(first, 409, 'INVALID_REQUEST').message).toMatch(/interrupted.*no longer offers.*not sent again/);
    expect(posts(mark)).toEqual([]);
    expect((await env.apply(id)).json()).toEqual(first.json());
  });
});
