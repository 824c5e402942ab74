import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, internalHeaders, mintToken, type TestApp } from '../helpers/app.js';

/** MCP at its edges, as hand-made requests (not the SDK client) send it. */
let t: TestApp;
let withOrigins: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  withOrigins = await buildTestApp({ mcpAllowedOrigins: ['https://tools.sellershorts.example'] });
});
afterAll(async () => {
  await t?.close();
  await withOrigins?.close();
});

const post = (app: TestApp, body: unknown, headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'POST', url: '/mcp', headers: { accept: 'application/json, text/event-stream', ...headers }, payload: body as Record<string, unknown> });

describe('MCP edges', () => {
  it('accepts a notification with 202 and no body, and runs nothing: a tools/call without an id stages no write', async () => {
    const orderId = `order-notify-${Date.now()}`;
    const { jobToken } = await mintToken(t, { orderId, capabilities: ['listings.update'] });
    const auth = { authorization: `Bearer ${jobToken}` };
    const notified = await post(t, {
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'listings_update', arguments: { sku: 'SS-MUG-001', product_type: 'MUG', patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'x' }] }] } },
    }, auth);
    expect(notified.statusCode).toBe(202);
    expect(notified.body).toBe('');
    const staged = await t.app.inject({ method: 'GET', url: `/internal/confirmations?order_id=${orderId}`, headers: internalHeaders(t.config) });
    expect(staged.json().data.confirmations).toEqual([]);
    await t.app.services.audit.flush();
    const audit = await t.app.inject({ method: 'GET', url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(t.config) });
    expect(audit.json().data.events).toEqual([]);
  });

  it('accepts a posted JSON-RPC response (and a batch of only notifications and responses) with 202 and no body', async () => {
    const { jobToken } = await mintToken(t);
    const auth = { authorization: `Bearer ${jobToken}` };
    const response = await post(t, { jsonrpc: '2.0', id: 7, result: {} }, auth);
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe('');
    const mixed = await post(t, [{ jsonrpc: '2.0', id: 8, error: { code: -1, message: 'no' } }, { jsonrpc: '2.0', method: 'notifications/initialized' }], auth);
    expect(mixed.statusCode).toBe(202);
    expect(mixed.body).toBe('');
  });

  it('refuses ids that are not strings or integers with -32600', async () => {
    const { jobToken } = await mintToken(t);
    const auth = { authorization: `Bearer ${jobToken}` };
    for (const id of [null, {}, [], 1.5, true]) {
      const answer = await post(t, { jsonrpc: '2.0', id, method: 'ping' }, auth);
      expect(answer.statusCode, JSON.stringify(id)).toBe(200);
      expect(answer.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    }
    expect((await post(t, { jsonrpc: '2.0', id: 'a', method: 'ping' }, auth)).json()).toEqual({ jsonrpc: '2.0', id: 'a', result: {} });
    expect((await post(t, { jsonrpc: '2.0', id: 0, method: 'ping' }, auth)).json()).toEqual({ jsonrpc: '2.0', id: 0, result: {} });
  });

  it('refuses an unsupported MCP-Protocol-Version with 400 and accepts the supported ones', async () => {
    const { jobToken } = await mintToken(t);
    const auth = { authorization: `Bearer ${jobToken}` };
    const bogus = await post(t, { jsonrpc: '2.0', id: 1, method: 'ping' }, { ...auth, 'mcp-protocol-version': 'bogus' });
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().error.message).toMatch(/unsupported MCP-Protocol-Version bogus/);
    for (const version of ['2025-11-25', '2025-06-18', '2025-03-26']) {
      expect((await post(t, { jsonrpc: '2.0', id: 1, method: 'ping' }, { ...auth, 'mcp-protocol-version': version })).statusCode).toBe(200);
    }
  });

  it('refuses a browser Origin unless MCP_ALLOWED_ORIGINS lists it (403 before the token is even read)', async () => {
    const { jobToken } = await mintToken(t);
    const refused = await post(t, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${jobToken}`, origin: 'https://evil.example' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe(-32600);
    const allowedToken = await mintToken(withOrigins);
    const allowed = await post(withOrigins, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${allowedToken.jobToken}`, origin: 'https://tools.sellershorts.example' });
    expect(allowed.statusCode).toBe(200);
    const other = await post(withOrigins, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${allowedToken.jobToken}`, origin: 'https://tools.sellershorts.example.evil' });
    expect(other.statusCode).toBe(403);
  });

  it('answers every 401, on every kind of route, with WWW-Authenticate: Bearer and an error parameter', async () => {
    const requests = [
      { method: 'POST' as const, url: '/mcp', payload: { jsonrpc: '2.0', id: 1, method: 'ping' } },
      { method: 'POST' as const, url: '/api/capabilities', payload: { capability: 'connect.status', provider: 'amazon' } },
      { method: 'GET' as const, url: '/api/capabilities' },
      { method: 'GET' as const, url: '/internal/audit?order_id=x' },
      { method: 'POST' as const, url: '/internal/job-tokens', payload: {} },
    ];
    for (const request of requests) {
      for (const authorization of [undefined, 'Bearer not-a-token', 'Basic abc']) {
        const response = await t.app.inject({ ...request, headers: authorization ? { authorization } : {} });
        expect(response.statusCode, `${request.method} ${request.url} ${authorization}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
      }
    }
  });
});
