import { describe, expect, it } from 'vitest';
import { callCapability, internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp();

const mint = (payload: Record<string, unknown>, headers: Record<string, string> = internalHeaders(testApp.config)) =>
  testApp.app.inject({ method: 'POST', url: '/internal/job-tokens', headers, payload });

describe('the internal API', () => {
  it('needs the internal key, compared exactly', async () => {
    const payload = { order_id: 'o1', buyer_id: 'b1', tool_id: 't1', capabilities: ['connect.status'] };
    for (const headers of [{}, { authorization: 'Bearer wrong-key' }, { authorization: `Bearer ${testApp.config.internalApiKey}x` }]) {
      const response = await mint(payload, headers as Record<string, string>);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_TOKEN');
    }
  });

  it('mints a token: 201 with job_token, token_id and expires_at, stored only as a hash', async () => {
    const response = await mint({ order_id: `o-${randomSuffix()}`, buyer_id: 'b1', tool_id: 't1', capabilities: ['connect.status'], ttl_seconds: 120 });
    expect(response.statusCode).toBe(201);
    const data = response.json().data;
    expect(data.job_token).toMatch(/^sst_[A-Za-z0-9_-]{43}$/);
    expect(data.token_id).toMatch(/^tok_/);
    const ttl = new Date(data.expires_at).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    const rows = await testApp.app.services.db.selectFrom('job_tokens').selectAll().where('token_id', '=', data.token_id).execute();
    expect(JSON.stringify(rows)).not.toContain(data.job_token);
    expect(JSON.stringify(rows)).not.toContain(data.job_token.slice(4));
  });

  it('defaults the ttl to an hour and refuses more than a day', async () => {
    const response = await mint({ order_id: `o-${randomSuffix()}`, buyer_id: 'b1', tool_id: 't1', capabilities: ['connect.status'] });
    const ttl = new Date(response.json().data.expires_at).getTime() - Date.now();
    expect(Math.abs(ttl - 3_600_000)).toBeLessThan(10_000);
    const tooLong = await mint({ order_id: 'o2', buyer_id: 'b1', tool_id: 't1', capabilities: ['connect.status'], ttl_seconds: 86_401 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details.field).toBe('body.ttl_seconds');
  });

  it('refuses unknown capabilities and auto_apply outside the grant or of reads', async () => {
    const unknown = await mint({ order_id: 'o3', buyer_id: 'b1', tool_id: 't1', capabilities: ['finance.summary'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('finance.summary');
    const read = await mint({ order_id: 'o3', buyer_id: 'b1', tool_id: 't1', capabilities: ['listings.get'], auto_apply: ['listings.get'] });
    expect(read.statusCode).toBe(400);
    const outside = await mint({ order_id: 'o3', buyer_id: 'b1', tool_id: 't1', capabilities: ['listings.get'], auto_apply: ['listings.update'] });
    expect(outside.statusCode).toBe(400);
  });

  it('binds an order to its first buyer', async () => {
    const orderId = `o-${randomSuffix()}`;
    expect((await mint({ order_id: orderId, buyer_id: 'buyer-a', tool_id: 't', capabilities: ['connect.status'] })).statusCode).toBe(201);
    expect((await mint({ order_id: orderId, buyer_id: 'buyer-a', tool_id: 't2', capabilities: ['connect.status'] })).statusCode).toBe(201);
    const other = await mint({ order_id: orderId, buyer_id: 'buyer-b', tool_id: 't', capabilities: ['connect.status'] });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('INVALID_REQUEST');
  });

  it('revokes tokens and deletes orders for good', async () => {
    const orderId = `o-${randomSuffix()}`;
    const { jobToken, tokenId } = await mintToken(testApp, { orderId, capabilities: ['connect.status'] });
    const unknownToken = await testApp.app.inject({ method: 'DELETE', url: '/internal/job-tokens/tok_nope', headers: internalHeaders(testApp.config) });
    expect(unknownToken.statusCode).toBe(404);
    // No token id holds a NUL (Postgres would refuse it): a clear 400, never a 500.
    const malformedToken = await testApp.app.inject({ method: 'DELETE', url: '/internal/job-tokens/tok%00x', headers: internalHeaders(testApp.config) });
    expect(malformedToken.statusCode).toBe(400);
    expect(malformedToken.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'params.token_id' } });
    const unknownOrder = await testApp.app.inject({ method: 'DELETE', url: '/internal/orders/never-seen', headers: internalHeaders(testApp.config) });
    expect(unknownOrder.statusCode).toBe(404);
    expect(unknownOrder.json().error.code).toBe('ORDER_NOT_FOUND');
    for (let i = 0; i < 2; i++) {
      const deleted = await testApp.app.inject({ method: 'DELETE', url: `/internal/orders/${orderId}`, headers: internalHeaders(testApp.config) });
      expect(deleted.statusCode).toBe(204);
    }
    expect((await callCapability(testApp.app, jobToken, 'connect.status')).json().error.code).toBe('ORDER_NOT_FOUND');
    const again = await mint({ order_id: orderId, buyer_id: 'x', tool_id: 't', capabilities: ['connect.status'] });
    expect(again.statusCode).toBe(409);
    const revoke = await testApp.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${tokenId}`, headers: internalHeaders(testApp.config) });
    expect(revoke.statusCode).toBe(204);
  });

  it('answers health, readiness and metrics', async () => {
    expect((await testApp.app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
    const ready = await testApp.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.database).toBe('ok');
    const metrics = await testApp.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('broker_http_request_duration_seconds');
  });
});
