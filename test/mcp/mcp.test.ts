import { describe, expect, it } from 'vitest';
import { internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp();

const rpc = (jobToken: string | undefined, body: unknown) =>
  testApp.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { ...(jobToken ? { authorization: `Bearer ${jobToken}` } : {}), accept: 'application/json, text/event-stream' },
    payload: body as Record<string, unknown>,
  });

describe('MCP (Streamable HTTP)', () => {
  it('needs a valid job token', async () => {
    const response = await rpc(undefined, { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_TOKEN');
  });

  it('initializes, negotiates the protocol version and accepts the initialized notification', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['orders.summary'] });
    const init = await rpc(jobToken, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    expect(init.statusCode).toBe(200);
    expect(init.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-03-26', capabilities: { tools: {} } } });
    const unknownVersion = await rpc(jobToken, { jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '1999-01-01' } });
    expect(unknownVersion.json().result.protocolVersion).toBe('2025-11-25');
    const notified = await rpc(jobToken, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notified.statusCode).toBe(202);
    expect((await rpc(jobToken, { jsonrpc: '2.0', id: 3, method: 'ping' })).json().result).toEqual({});
  });

  it('lists exactly the granted capabilities as tools named with underscores', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['orders.summary', 'listings.update'] });
    const response = await rpc(jobToken, { jsonrpc: '2.0', id: 'a', method: 'tools/list' });
    const tools = response.json().result.tools as { name: string; inputSchema: { type: string }; annotations: { readOnlyHint: boolean } }[];
    expect(tools.map((t) => t.name)).toEqual(['orders_summary', 'listings_update']);
    expect(tools[0]?.inputSchema.type).toBe('object');
    expect(tools[1]?.annotations.readOnlyHint).toBe(false);
  });

  it('runs a tool call through the capability pipeline and reports broker errors as isError', async () => {
    const orderId = `order-${randomSuffix()}`;
    const { jobToken } = await mintToken(testApp, { orderId, capabilities: ['orders.summary'] });
    const invalid = await rpc(jobToken, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'orders_summary', arguments: { granularity: 'DAY' } } });
    expect(invalid.json().result.isError).toBe(true);
    expect(invalid.json().result.content[0].text).toMatch(/^INVALID_REQUEST: params\.start_date is required/);
    const noConnection = await rpc(jobToken, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'orders_summary', arguments: { start_date: '2026-11-01T00:00:00Z', end_date: '2026-11-02T00:00:00Z', granularity: 'DAY' } },
    });
    expect(noConnection.json().result).toMatchObject({ isError: true, structuredContent: { error: { code: 'NO_CONNECTION' } } });
    const ungranted = await rpc(jobToken, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'listings_update', arguments: {} } });
    expect(ungranted.json().error.code).toBe(-32602);
    const audit = await testApp.app.inject({ url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(testApp.config) });
    expect(audit.json().data.events.map((e: { outcome: string }) => e.outcome)).toEqual(['INVALID_REQUEST', 'NO_CONNECTION']);
  });

  it('gives every tool an outputSchema, accepts the dotted capability name and hints at near misses', async () => {
    const orderId = `order-${randomSuffix()}`;
    const { jobToken } = await mintToken(testApp, { orderId, capabilities: ['orders.summary', 'listings.get'] });
    const tools = (await rpc(jobToken, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).json().result.tools as { outputSchema: { type: string; anyOf: unknown[] } }[];
    for (const tool of tools) {
      expect(tool.outputSchema.type).toBe('object');
      expect(tool.outputSchema.anyOf).toHaveLength(2);
    }
    // orders.summary is an alias of orders_summary: it runs (and fails later, on the missing connection).
    const dotted = await rpc(jobToken, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'orders.summary', arguments: { start_date: '2026-11-01', end_date: '2026-11-02', granularity: 'DAY' } },
    });
    expect(dotted.json().result).toMatchObject({ isError: true, structuredContent: { error: { code: 'NO_CONNECTION' } } });
    const nearMiss = await rpc(jobToken, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'listing_get', arguments: {} } });
    expect(nearMiss.json().error).toEqual({
      code: -32602,
      message: 'unknown tool "listing_get"; did you mean listings_get? tools/list names the tools of this token (orders_summary, listings_get)',
    });
  });

  it('answers batches, unknown methods and bad messages in JSON-RPC terms', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['orders.summary'] });
    const batch = await rpc(jobToken, [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 2, method: 'resources/list' },
      { nope: true },
    ]);
    const answers = batch.json() as { id: number | null; error?: { code: number } }[];
    expect(answers).toHaveLength(3);
    expect(answers[1]?.error?.code).toBe(-32601);
    expect(answers[2]?.error?.code).toBe(-32600);
    const get = await testApp.app.inject({ method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${jobToken}` } });
    expect(get.statusCode).toBe(405);
  });
});
