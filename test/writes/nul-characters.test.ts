import { describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { useWriteEnv } from './helpers.js';

/**
 * U+0000 is valid JSON but Postgres stores it in neither text nor jsonb: a NUL in params is refused
 * up front, naming the field, and one in a capability name must not stop the audit trail (a refused
 * row would fail its whole batch, retried until the queue overflows).
 */
describe('NUL characters from callers', () => {
  const env = useWriteEnv();

  it('a staged write with a NUL in a value: INVALID_REQUEST naming the field, nothing staged, nothing sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const mark = env.mark();
    const answer = await env.call(jobToken, 'listings.update', {
      sku: SANDBOX.sku,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Mug \u0000 12 oz' }] }],
    });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'params.patches.0.value.0.value', rule: 'NO_NUL' } });
    expect(await env.list(orderId)).toEqual([]);
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('a read with a NUL in its SKU is refused the same way, before Amazon', async () => {
    const { jobToken } = await env.mint({ capabilities: ['listings.get'] });
    const mark = env.mark();
    const answer = await env.call(jobToken, 'listings.get', { sku: `${SANDBOX.sku}\u0000` });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.details).toEqual({ field: 'params.sku', rule: 'NO_NUL' });
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('a capability name with a NUL is answered, and audited with U+FFFD in its place alongside the calls around it', async () => {
    const { jobToken, orderId } = await env.mint({ capabilities: ['listings.get'] });
    expect((await env.call(jobToken, 'listings.get\u0000', { sku: SANDBOX.sku })).statusCode).toBe(403);
    expect((await env.call(jobToken, 'listings.get', { sku: SANDBOX.sku })).statusCode).toBe(200);
    const audit = env.app.services.audit;
    await audit.flush();
    expect(audit.depth).toBe(0);
    const rows = await env.app.services.db.selectFrom('audit_events').select(['capability', 'outcome']).where('order_id', '=', orderId).orderBy('time').orderBy('id').execute();
    expect(rows).toEqual([
      { capability: 'listings.get\ufffd', outcome: 'CAPABILITY_NOT_ALLOWED' },
      { capability: 'listings.get', outcome: 'OK' },
    ]);
  });
});
