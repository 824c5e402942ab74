import { describe, expect, it } from 'vitest';
import { CAPABILITY_NAMES } from '../../src/capabilities/index.js';
import { ERROR_STATUS } from '../../src/errors.js';
import { callCapability, internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';

const testApp = useTestApp();

const post = (headers: Record<string, string>, payload: string) =>
  testApp.app.inject({ method: 'POST', url: '/api/capabilities', headers, payload });

/** Inserts a connection row directly, as the connections API would, for pipeline-only tests. */
async function connect(buyerId: string, marketplaceId: string, status: 'active' | 'revoked' = 'active') {
  const id = `auth-${randomSuffix()}`;
  await testApp.app.services.db
    .insertInto('amazon_authorizations')
    .values({ id, buyer_id: buyerId, region: 'NA', selling_partner_id: 'A1TEST', refresh_token_ciphertext: 'x', status, revoked_reason: null, updated_at: new Date() })
    .execute();
  await testApp.app.services.db
    .insertInto('amazon_connections')
    .values({ buyer_id: buyerId, marketplace_id: marketplaceId, authorization_id: id, region: 'NA', selling_partner_id: 'A1TEST' })
    .execute();
}

describe('the capabilities pipeline', () => {
  it('checks the token before anything else, even a malformed body', async () => {
    const response = await post({ 'content-type': 'application/json' }, '{not json');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_TOKEN' } });
  });

  it('refuses malformed tokens and bearer schemes', async () => {
    for (const authorization of ['Bearer', 'Basic abc', 'Bearer sst_short', `Bearer ${'x'.repeat(47)}`]) {
      const response = await testApp.app.inject({ method: 'GET', url: '/api/capabilities', headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_TOKEN');
    }
  });

  it('answers malformed JSON, wrong content type and oversized bodies with INVALID_REQUEST', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['connect.status'] });
    const auth = { authorization: `Bearer ${jobToken}` };
    const malformed = await post({ ...auth, 'content-type': 'application/json' }, '{"capability":');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('INVALID_REQUEST');
    const wrongType = await post({ ...auth, 'content-type': 'text/plain' }, 'hello');
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('INVALID_REQUEST');
    const big = await post({ ...auth, 'content-type': 'application/json' }, JSON.stringify({ capability: 'connect.status', provider: 'amazon', params: { x: 'y'.repeat(6 * 1024 * 1024) } }));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('INVALID_REQUEST');
  });

  it('checks the body shape, then the grant, then the params', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['products.list'] });
    const auth = { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' };
    const noCapability = await post(auth, JSON.stringify({ provider: 'amazon' }));
    expect(noCapability.statusCode).toBe(400);
    expect(noCapability.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'body.capability' } });
    const extraField = await post(auth, JSON.stringify({ capability: 'products.list', provider: 'amazon', extra: 1 }));
    expect(extraField.json().error.details.field).toBe('body.extra');
    const wrongProvider = await post(auth, JSON.stringify({ capability: 'products.list', provider: 'shopify' }));
    expect(wrongProvider.statusCode).toBe(400);
    expect(wrongProvider.json().error.message).toContain('amazon');
    // The grant is checked before params: an ungranted capability with bad params is 403.
    const ungranted = await callCapability(testApp.app, jobToken, 'orders.summary', { granularity: 'NOPE' });
    expect(ungranted.statusCode).toBe(403);
    expect(ungranted.json().error.code).toBe('CAPABILITY_NOT_ALLOWED');
    const unknown = await callCapability(testApp.app, jobToken, 'finance.summary', {});
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().error.code).toBe('CAPABILITY_NOT_ALLOWED');
    const badParam = await callCapability(testApp.app, jobToken, 'products.list', { page_size: 50 });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'params.page_size' } });
    expect(badParam.json().error.message).toContain('params.page_size');
    const unknownParam = await callCapability(testApp.app, jobToken, 'products.list', { pagesize: 5 });
    expect(unknownParam.json().error.details.field).toBe('params.pagesize');
    const badMarketplace = await callCapability(testApp.app, jobToken, 'products.list', { marketplace_id: 'AXXXXXXXXXXXX' });
    expect(badMarketplace.statusCode).toBe(400);
    expect(badMarketplace.json().error.message).toContain('unknown marketplace');
  });

  it('names the allowed values of an enum', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['orders.summary'] });
    const response = await callCapability(testApp.app, jobToken, 'orders.summary', { start_date: '2026-01-01', end_date: '2026-01-02', granularity: 'DAILY' });
    expect(response.json().error.message).toMatch(/params\.granularity must be one of "HOUR", "DAY"/);
  });

  it('answers retired report types with a clear message', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['analytics.fetch'] });
    const response = await callCapability(testApp.app, jobToken, 'analytics.fetch', { report_type: 'brand_analytics_item_comparison' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/retired.*2023/);
  });

  it('answers NO_CONNECTION without a connection, or for a marketplace not connected, and TOKEN_EXPIRED when revoked', async () => {
    const buyerId = `buyer-${randomSuffix()}`;
    const { jobToken } = await mintToken(testApp, { buyerId, capabilities: ['products.list'] });
    const none = await callCapability(testApp.app, jobToken, 'products.list');
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe('NO_CONNECTION');
    await connect(buyerId, 'ATVPDKIKX0DER');
    const otherMarketplace = await callCapability(testApp.app, jobToken, 'products.list', { marketplace_id: 'A1PA6795UKMFR9' });
    expect(otherMarketplace.statusCode).toBe(409);
    expect(otherMarketplace.json().error.message).toContain('A1PA6795UKMFR9');

    const revokedBuyer = `buyer-${randomSuffix()}`;
    await connect(revokedBuyer, 'ATVPDKIKX0DER', 'revoked');
    const revokedToken = await mintToken(testApp, { buyerId: revokedBuyer, capabilities: ['products.list'] });
    const revoked = await callCapability(testApp.app, revokedToken.jobToken, 'products.list');
    expect(revoked.statusCode).toBe(409);
    expect(revoked.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('lists exactly the granted capabilities with their params schemas', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['orders.summary', 'listings.update'] });
    const response = await testApp.app.inject({ method: 'GET', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}` } });
    expect(response.statusCode).toBe(200);
    const data = response.json().data as { name: string; access: string; description: string; params_schema: { type: string; properties: Record<string, unknown> } }[];
    expect(data.map((c) => c.name)).toEqual(['orders.summary', 'listings.update']);
    expect(data[1]?.access).toBe('write');
    expect(data[0]?.params_schema.type).toBe('object');
    expect(Object.keys(data[0]?.params_schema.properties ?? {})).toContain('granularity');
    for (const c of data) expect(c.description.length).toBeGreaterThan(60);
  });

  it('registers all 14 capabilities', () => {
    expect(CAPABILITY_NAMES).toHaveLength(14);
    expect(new Set(CAPABILITY_NAMES).size).toBe(14);
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await testApp.app.inject({ url: '/healthz', headers: { 'x-request-id': 'req-123' } });
    expect(given.headers['x-request-id']).toBe('req-123');
    const insane = await testApp.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\n' } });
    expect(insane.headers['x-request-id']).not.toBe('bad id\n');
    expect(String(insane.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records every capability call of an order in the audit log', async () => {
    const orderId = `order-${randomSuffix()}`;
    const { jobToken } = await mintToken(testApp, { orderId, capabilities: ['products.list'] });
    await callCapability(testApp.app, jobToken, 'products.list');
    await callCapability(testApp.app, jobToken, 'products.list', { page_size: 99 });
    const audit = await testApp.app.inject({ url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(testApp.config) });
    expect(audit.statusCode).toBe(200);
    const events = audit.json().data.events as { capability: string; outcome: string; http_status: number; latency_ms: number }[];
    expect(events.map((e) => [e.capability, e.outcome, e.http_status])).toEqual([
      ['products.list', 'NO_CONNECTION', 409],
      ['products.list', 'INVALID_REQUEST', 400],
    ]);
  });

  it('maps every error code to the contract status', () => {
    expect(ERROR_STATUS).toEqual({
      INVALID_TOKEN: 401,
      ORDER_NOT_FOUND: 404,
      INVALID_REQUEST: 400,
      CAPABILITY_NOT_ALLOWED: 403,
      NO_CONNECTION: 409,
      TOKEN_EXPIRED: 409,
      RATE_LIMIT: 429,
      SP_API_ERROR: 502,
      INTERNAL_ERROR: 500,
    });
  });

  it('answers unknown routes with the envelope', async () => {
    const response = await testApp.app.inject({ url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('shared security cases for every capability', () => {
  for (const name of CAPABILITY_NAMES) securityCases(name, {}, testApp);
});
