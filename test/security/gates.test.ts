import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { callCapability, internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { useBroker } from '../helpers/harness.js';

/**
 * The gates every door passes in the same order (issue 20's attacks as regression tests): a batch
 * is as many front-door units as it holds tool calls, and an Idempotency-Key replay answers only a
 * token that holds the capability now.
 */
const NA = SEED.sellers.NA;
const LIMIT = 5;

const t = useBroker({ config: { frontDoorPerMinute: LIMIT } });
const connectedBuyer = () => connectBuyer(t);

const mcp = (jobToken: string, body: unknown) =>
  t.app.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${jobToken}` }, payload: body as Record<string, unknown> });

const auditOf = async (orderId: string) =>
  (await t.app.inject({ method: 'GET', url: `/internal/audit?order_id=${orderId}`, headers: internalHeaders(t.config) })).json().data.events as {
    event: string;
    capability: string;
    outcome: string;
  }[];

describe('MCP batches at the front door', () => {
  it('takes one front-door unit per tools/call: past the limit each call is a RATE_LIMIT tool error and reaches nothing', async () => {
    const buyerId = await connectedBuyer();
    const { jobToken } = await mintToken(t, { buyerId, capabilities: ['listings.get'] });
    const before = t.sim.stats.requests.filter((r) => r.operation === 'getListingsItem').length;
    const batch = Array.from({ length: 12 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'listings_get', arguments: { sku: NA.skus[0] } } }));
    const response = await mcp(jobToken, batch);
    expect(response.statusCode).toBe(200);
    const answers = response.json() as { id: number; result: { isError: boolean; structuredContent: { error?: { code: string } } } }[];
    expect(answers).toHaveLength(12);
    const limited = answers.filter((a) => a.result.structuredContent.error?.code === 'RATE_LIMIT');
    expect(answers.filter((a) => !a.result.isError)).toHaveLength(LIMIT);
    expect(limited).toHaveLength(12 - LIMIT);
    expect(t.sim.stats.requests.filter((r) => r.operation === 'getListingsItem').length - before).toBe(LIMIT);
    // The token's budget is spent for REST too: one credential, one front door.
    expect((await callCapability(t.app, jobToken, 'listings.get', { sku: NA.skus[0] })).statusCode).toBe(429);
  });

  it('counts a tool call refused for an unknown or ungranted tool, and a POST that calls no tool, as one unit each', async () => {
    const { jobToken } = await mintToken(t, { capabilities: ['connect.status'] });
    const unknown = Array.from({ length: LIMIT }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'orders_summary', arguments: {} } }));
    const refused = (await mcp(jobToken, unknown)).json() as { error?: { code: number } }[];
    expect(refused.every((a) => a.error?.code === -32602)).toBe(true);
    const next = await mcp(jobToken, { jsonrpc: '2.0', id: 'p', method: 'ping' });
    expect(next.statusCode).toBe(429);
    expect(next.json().error.code).toBe(-32000);
    expect(Number(next.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('refuses a batch over the documented cap before running any of it', async () => {
    const { jobToken } = await mintToken(t, { capabilities: ['connect.status'] });
    const batch = Array.from({ length: 21 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'connect_status' } }));
    const response = await mcp(jobToken, batch);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/at most 20 messages; this one has 21/);
  });
});

describe('Idempotency-Key replays come after the grant', () => {
  it('does not replay a stored answer to another token of the order that lacks the capability, and audits each replay', async () => {
    const buyerId = await connectedBuyer();
    const orderId = `order-gates-${randomSuffix()}`;
    const salesToken = await mintToken(t, { orderId, buyerId, capabilities: ['orders.summary', 'connect.status'] });
    const statusToken = await mintToken(t, { orderId, buyerId, capabilities: ['connect.status'] });
    const params = { start_date: '2026-11-01T00:00:00Z', end_date: '2026-11-02T00:00:00Z', granularity: 'DAY' };
    const first = await callCapability(t.app, salesToken.jobToken, 'orders.summary', params, { 'idempotency-key': 'k1' });
    expect(first.statusCode, first.body).toBe(200);

    const stolen = await callCapability(t.app, statusToken.jobToken, 'orders.summary', params, { 'idempotency-key': 'k1' });
    expect(stolen.statusCode).toBe(403);
    expect(stolen.json().error.code).toBe('CAPABILITY_NOT_ALLOWED');
    expect(stolen.headers['idempotent-replayed']).toBeUndefined();
    expect(stolen.body).not.toContain('total_sales');

    const replay = await callCapability(t.app, salesToken.jobToken, 'orders.summary', params, { 'idempotency-key': 'k1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().data).toEqual(first.json().data);

    await t.app.services.audit.flush();
    const events = await auditOf(orderId);
    expect(events.map((e) => [e.event, e.outcome])).toEqual(
      expect.arrayContaining([
        ['capability_call', 'OK'],
        ['capability_call', 'CAPABILITY_NOT_ALLOWED'],
        ['capability_replay', 'OK'],
      ]),
    );
  });

  it('refuses a revoked grant: a token re-minted without the capability cannot replay what it once could', async () => {
    const buyerId = await connectedBuyer();
    const orderId = `order-gates-${randomSuffix()}`;
    const token = await mintToken(t, { orderId, buyerId, capabilities: ['connect.status'] });
    const first = await callCapability(t.app, token.jobToken, 'connect.status', {}, { 'idempotency-key': 'k2' });
    expect(first.statusCode).toBe(200);
    const narrower = await mintToken(t, { orderId, buyerId, capabilities: ['listings.get'] });
    const replay = await callCapability(t.app, narrower.jobToken, 'connect.status', {}, { 'idempotency-key': 'k2' });
    expect(replay.statusCode).toBe(403);
    expect(replay.body).not.toContain(NA.sellingPartnerId);
  });
});
