import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.js';
import { FolderMigrationProvider, migrateToLatest } from '../../src/db/migrator.js';
import { callCapability, createTestDatabase, internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp();

const getAudit = (query: string) => testApp.app.inject({ url: `/internal/audit?${query}`, headers: internalHeaders(testApp.config) });

describe('GET /internal/audit', () => {
  it('filters by order, buyer and time range, and pages with a cursor', async () => {
    const buyerId = `buyer-${randomSuffix()}`;
    const first = await mintToken(testApp, { buyerId, toolId: 'tool-a', orderId: `order-${randomSuffix()}`, capabilities: ['products.list'] });
    const second = await mintToken(testApp, { buyerId, toolId: 'tool-b', orderId: `order-${randomSuffix()}`, capabilities: ['products.list'] });
    const before = new Date();
    for (let i = 0; i < 3; i++) await callCapability(testApp.app, first.jobToken, 'products.list');
    await callCapability(testApp.app, second.jobToken, 'products.list', { page_size: 99 });

    const byBuyer = await getAudit(`buyer_id=${buyerId}`);
    expect(byBuyer.statusCode).toBe(200);
    const events = byBuyer.json().data.events as Record<string, unknown>[];
    expect(events.map((e) => [e.tool_id, e.outcome, e.http_status])).toEqual([
      ['tool-a', 'NO_CONNECTION', 409],
      ['tool-a', 'NO_CONNECTION', 409],
      ['tool-a', 'NO_CONNECTION', 409],
      ['tool-b', 'INVALID_REQUEST', 400],
    ]);
    expect(events[0]).toEqual({
      time: expect.any(String),
      event: 'capability_call',
      order_id: expect.stringMatching(/^order-/),
      buyer_id: buyerId,
      tool_id: 'tool-a',
      confirmation_id: null,
      capability: 'products.list',
      marketplace_id: null,
      outcome: 'NO_CONNECTION',
      http_status: 409,
      latency_ms: expect.any(Number),
      amazon_request_ids: [],
    });
    expect(Date.parse(events[0]!.time as string)).toBeGreaterThanOrEqual(before.getTime());

    const orderId = (events[0]!.order_id as string);
    const page1 = (await getAudit(`order_id=${orderId}&limit=2`)).json().data;
    expect(page1.events).toHaveLength(2);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (await getAudit(`order_id=${orderId}&limit=2&cursor=${page1.next_cursor}`)).json().data;
    expect(page2.events).toHaveLength(1);
    expect(page2.next_cursor).toBeNull();
    expect([...page1.events, ...page2.events]).toEqual(events.slice(0, 3));

    const lastTime = events[3]!.time as string;
    const ranged = (await getAudit(`buyer_id=${buyerId}&from=${encodeURIComponent(lastTime)}`)).json().data.events;
    expect(ranged.map((e: { tool_id: string }) => e.tool_id)).toEqual(['tool-b']);
    const until = (await getAudit(`buyer_id=${buyerId}&to=${encodeURIComponent(lastTime)}`)).json().data.events;
    expect(until).toHaveLength(3);
  });

  it('answers bad filters with 400 INVALID_REQUEST', async () => {
    for (const query of ['cursor=not-a-cursor', 'from=yesterday', 'limit=0', 'order_id=bad%20id', 'colour=red']) {
      const response = await getAudit(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('INVALID_REQUEST');
    }
  });

  it('records rejected confirmations with their order, buyer and tool', async () => {
    const db = testApp.app.services.db;
    const orderId = `order-${randomSuffix()}`;
    const { tokenId } = await mintToken(testApp, { orderId, buyerId: 'buyer-r', toolId: 'tool-r', capabilities: ['listings.update'] });
    const id = `cnf_${randomSuffix()}`;
    await db
      .insertInto('confirmations')
      .values({ id, order_id: orderId, buyer_id: 'buyer-r', token_id: tokenId, capability: 'listings.update', marketplace_id: 'ATVPDKIKX0DER', region: 'NA', params: '{}', preview: '{}', status: 'pending', expires_at: new Date(Date.now() + 60_000), updated_at: new Date() })
      .execute();
    const rejected = await testApp.app.inject({ method: 'POST', url: `/internal/confirmations/${id}/reject`, headers: internalHeaders(testApp.config) });
    expect(rejected.statusCode).toBe(204);
    const events = (await getAudit(`order_id=${orderId}`)).json().data.events;
    expect(events).toMatchObject([{ event: 'confirmation_reject', confirmation_id: id, buyer_id: 'buyer-r', tool_id: 'tool-r', outcome: 'REJECTED', capability: 'listings.update' }]);
  });
});

describe('the partitioned audit migration', () => {
  it('keeps the events recorded before it', async () => {
    const database = await createTestDatabase();
    const db = createDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
    try {
      const migrator = new Migrator({ db, provider: new FolderMigrationProvider() });
      const { error } = await migrator.migrateTo('2026-11-26T01-00-00_idempotency_response_text');
      expect(error).toBeUndefined();
      await sql`INSERT INTO orders (order_id, buyer_id) VALUES ('o-old', 'b-old')`.execute(db);
      await sql`INSERT INTO audit_events (order_id, token_id, capability, outcome, http_status, latency_ms, amazon_request_id, created_at)
        VALUES ('o-old', 't-old', 'orders.summary', 'OK', 200, 42, 'rid-old', '2026-10-05T10:00:00.123456Z')`.execute(db);
      await migrateToLatest(db);
      const rows = await db.selectFrom('audit_events').selectAll().execute();
      expect(rows).toMatchObject([{ order_id: 'o-old', buyer_id: 'b-old', event: 'capability_call', outcome: 'OK', amazon_request_ids: ['rid-old'] }]);
      expect(rows[0]!.time.toISOString()).toBe('2026-10-05T10:00:00.123Z');
      // Back to before the audit migration (later migrations, if any, are undone first).
      const down = await migrator.migrateTo('2026-11-26T01-00-00_idempotency_response_text');
      expect(down.error).toBeUndefined();
      const restored = await sql<{ amazon_request_id: string }>`SELECT amazon_request_id FROM audit_events`.execute(db);
      expect(restored.rows).toEqual([{ amazon_request_id: 'rid-old' }]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
