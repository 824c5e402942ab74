import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { CAPABILITIES, findCapability } from '../../src/capabilities/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { importConnection, newSeller } from '../connections/support.js';
import { NA } from '../writes/helpers.js';

/**
 * Issue 11, tenant isolation matrix: what order X1 of buyer X created or used — its confirmation,
 * report id, feed id, idempotency key, cached read, audit trail, connection — seen from another
 * order of the same buyer (X2) and from an order of another buyer (Y1, connected to another
 * seller). One test per cell. Where the same buyer shares something on purpose (its own Amazon
 * connection and that seller's data), the cell proves the sharing stops at the buyer.
 */
interface Order {
  orderId: string;
  tokenId: string;
  jobToken: string;
}

const example = (name: string) => ((findCapability(name)?.params as unknown as { examples: Record<string, unknown>[] }).examples[0] ?? {});

describe('tenant isolation', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  const x = { buyerId: `buyer-x-${randomSuffix()}`, sellingPartnerId: NA.sellingPartnerId };
  const y = { buyerId: `buyer-y-${randomSuffix()}`, sellingPartnerId: '' };
  let x1: Order;
  const others: Record<'same buyer' | 'other buyer', Order> = {} as never;
  const made = { confirmationId: '', reportId: '', feedId: '', idempotencyKey: `idem-${randomSuffix()}`, catalogAnswer: '' };

  const mint = async (buyerId: string): Promise<Order> => {
    const orderId = `order-${randomSuffix()}`;
    return { orderId, ...(await mintToken(t, { buyerId, orderId, capabilities: CAPABILITIES.map((c) => c.name) })) };
  };
  const ok = async (order: Order, capability: string, params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await callCapability(t.app, order.jobToken, capability, params, headers);
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
    t = await buildTestApp(simulatorConfig(sim));
    const seller = newSeller(sim, ['ATVPDKIKX0DER']);
    y.sellingPartnerId = seller.sellingPartnerId;
    expect((await importConnection(t, x.buyerId, { selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' })).statusCode).toBe(201);
    expect((await importConnection(t, y.buyerId, { selling_partner_id: seller.sellingPartnerId, refresh_token: seller.refreshToken, region: 'NA' })).statusCode).toBe(201);
    x1 = await mint(x.buyerId);
    others['same buyer'] = await mint(x.buyerId);
    others['other buyer'] = await mint(y.buyerId);

    // Everything X1 makes.
    const staged = await ok(x1, 'listings.update', { sku: SANDBOX.sku, product_type: SANDBOX.productType, patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Isolated Mug' }] }] });
    made.confirmationId = staged.json().data.confirmation_id;
    const report = await ok(x1, 'analytics.fetch', { ...example('analytics.fetch'), wait_seconds: 0 });
    made.reportId = report.json().data.report_id;
    const feed = await ok(x1, 'listings.upload_feed', example('listings.upload_feed'));
    const applied = await t.app.inject({ method: 'POST', url: `/internal/confirmations/${feed.json().data.confirmation_id}/apply`, headers: internalHeaders(t.config) });
    expect(applied.statusCode, applied.body).toBe(200);
    made.feedId = applied.json().data.result.feed_id;
    await ok(x1, 'connect.status', {}, { 'idempotency-key': made.idempotencyKey });
    made.catalogAnswer = (await ok(x1, 'catalog.search', example('catalog.search'))).body;
    await ok(x1, 'feeds.status', { feed_id: made.feedId });
    await t.app.services.audit.flush();
    expect(made.reportId && made.feedId && made.confirmationId).toBeTruthy();
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const refusedAs = (response: { statusCode: number; body: string; json(): unknown }, status: number, field: string) => {
    expect(response.statusCode, response.body).toBe(status);
    expect((response.json() as { error: { code: string; details?: { field?: string } } }).error).toMatchObject({ code: 'INVALID_REQUEST', details: { field } });
  };

  describe.each(['same buyer', 'other buyer'] as const)('from an order of the %s', (relation) => {
    const other = () => others[relation];
    const otherBuyer = () => (relation === 'same buyer' ? x : y);

    it('confirmations: its list never shows X1’s staged write', async () => {
      const listed = await t.app.inject({ method: 'GET', url: `/internal/confirmations?order_id=${other().orderId}`, headers: internalHeaders(t.config) });
      expect(listed.statusCode).toBe(200);
      expect(listed.body).not.toContain(made.confirmationId);
      const own = await t.app.inject({ method: 'GET', url: `/internal/confirmations?order_id=${x1.orderId}`, headers: internalHeaders(t.config) });
      expect(own.body).toContain(made.confirmationId);
    });

    it('report ids: resuming X1’s report is refused as unknown', async () => {
      refusedAs(await callCapability(t.app, other().jobToken, 'analytics.fetch', { report_id: made.reportId }), 400, 'params.report_id');
    });

    it('feed ids: the status of X1’s feed is refused, before Amazon is asked', async () => {
      const mark = sim.stats.requests.length;
      refusedAs(await callCapability(t.app, other().jobToken, 'feeds.status', { feed_id: made.feedId }), 404, 'params.feed_id');
      expect(sim.stats.requests.slice(mark).filter((r) => r.operation === 'getFeed')).toEqual([]);
    });

    it('idempotency keys: the same key is a new call, never X1’s answer replayed', async () => {
      const response = await ok(other(), 'connect.status', {}, { 'idempotency-key': made.idempotencyKey });
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      expect(response.json().data.selling_partner_id).toBe(otherBuyer().sellingPartnerId);
    });

    it('cached reads: shared only within the buyer’s own seller', async () => {
      const mark = sim.stats.requests.length;
      const response = await ok(other(), 'catalog.search', example('catalog.search'));
      const searches = sim.stats.requests.slice(mark).filter((r) => r.operation === 'searchCatalogItems');
      if (relation === 'same buyer') {
        // The same seller's catalog answer: the buyer's own data, served from the cache.
        expect(searches).toEqual([]);
        expect(response.json().data).toEqual(JSON.parse(made.catalogAnswer).data);
      } else {
        expect(searches.map((r) => r.sellingPartnerId)).toEqual([y.sellingPartnerId]);
      }
    });

    it('audit: its trail holds none of X1’s calls', async () => {
      await ok(other(), 'connect.status', {});
      await t.app.services.audit.flush();
      const trail = await t.app.inject({ method: 'GET', url: `/internal/audit?order_id=${other().orderId}`, headers: internalHeaders(t.config) });
      expect(trail.statusCode, trail.body).toBe(200);
      expect(trail.body).toContain(other().orderId);
      expect(trail.body).not.toContain(x1.orderId);
      expect(trail.body).not.toContain(x1.tokenId);
      const own = await t.app.inject({ method: 'GET', url: `/internal/audit?order_id=${x1.orderId}`, headers: internalHeaders(t.config) });
      expect(own.body).toContain('catalog.search');
    });

    it('connections: it reaches its own buyer’s Amazon account only, and outlives X1’s revocation', async () => {
      const status = await ok(other(), 'connect.status', {});
      expect(status.json().data.selling_partner_id).toBe(otherBuyer().sellingPartnerId);
      const connections = await t.app.inject({ method: 'GET', url: `/internal/buyers/${otherBuyer().buyerId}/amazon/connections`, headers: internalHeaders(t.config) });
      if (relation === 'other buyer') expect(connections.body).not.toContain(x.sellingPartnerId);
      // Revoking X1's token touches no other order's access.
      const revokedX1 = await mint(x.buyerId);
      await t.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revokedX1.tokenId}`, headers: internalHeaders(t.config) });
      expect((await callCapability(t.app, revokedX1.jobToken, 'connect.status')).statusCode).toBe(401);
      await ok(other(), 'connect.status', {});
    });
  });
});
