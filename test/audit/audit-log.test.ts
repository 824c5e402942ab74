import { Kysely, type KyselyPlugin, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { listPartitions, maintainAuditPartitions } from '../../src/audit/partitions.js';
import type { Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { Metrics } from '../../src/metrics.js';
import { buildTestApp, randomSuffix, type TestApp } from '../helpers/app.js';

const silent = pino({ level: 'silent' });

const event = (orderId: string, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  time: new Date(),
  event: 'capability_call',
  orderId,
  buyerId: 'buyer-1',
  tokenId: 'tok-1',
  toolId: 'tool-1',
  confirmationId: null,
  capability: 'orders.summary',
  marketplaceId: 'ATVPDKIKX0DER',
  outcome: 'OK',
  httpStatus: 200,
  latencyMs: 12.4,
  amazonRequestIds: ['rid-1', 'rid-2'],
  ...overrides,
});

/** Counts the INSERT statements that reach the database. */
function countingInserts(db: Db) {
  const counter = { inserts: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      if (args.node.kind === 'InsertQueryNode') counter.inserts += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), counter };
}

const metricValue = async (metrics: Metrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

let testApp: TestApp;
beforeAll(async () => {
  testApp = await buildTestApp();
});
afterAll(async () => testApp?.close());

const rowsOf = (orderId: string) => testApp.app.services.db.selectFrom('audit_events').selectAll().where('order_id', '=', orderId).orderBy('time').orderBy('id').execute();

describe('the audit log', () => {
  it('writes off the request path in multi-row batches of at most 500, on flush()', async () => {
    const { db, counter } = countingInserts(testApp.app.services.db);
    const metrics = new Metrics();
    const audit = new AuditLog(db, silent, metrics, { flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    for (let i = 0; i < 1200; i++) audit.record(event(orderId, { latencyMs: i }));
    await audit.flush();
    expect(counter.inserts).toBe(3);
    expect(audit.depth).toBe(0);
    const rows = await rowsOf(orderId);
    expect(rows).toHaveLength(1200);
    expect(rows[0]).toMatchObject({ event: 'capability_call', buyer_id: 'buyer-1', tool_id: 'tool-1', amazon_request_ids: ['rid-1', 'rid-2'], latency_ms: 0 });
    expect(await metricValue(metrics, 'broker_audit_events_written_total')).toBe(1200);
    await audit.close();
  });

  it('flushes by itself within its interval, without anyone awaiting it', async () => {
    const audit = new AuditLog(testApp.app.services.db, silent, new Metrics(), { flushIntervalMs: 20 });
    const orderId = `order-${randomSuffix()}`;
    audit.record(event(orderId));
    await expect.poll(async () => (await rowsOf(orderId)).length, { timeout: 10_000 }).toBe(1);
    await audit.close();
  });

  it('never blocks a caller while Postgres is down: the overflow is dropped, counted and logged', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1_000 });
    pool.on('error', () => {});
    const dead = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const metrics = new Metrics();
    const audit = new AuditLog(dead, log, metrics, { maxQueued: 10, flushIntervalMs: 60_000 });
    const started = performance.now();
    for (let i = 0; i < 15; i++) audit.record(event('order-down'));
    // Recording is synchronous: 15 calls return at once, whatever the database does.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(audit.depth).toBe(10);
    expect(await metricValue(metrics, 'broker_audit_events_dropped_total')).toBe(5);
    expect(await metricValue(metrics, 'broker_audit_queue_depth')).toBe(10);
    await expect(audit.flush()).rejects.toThrow();
    expect(audit.depth).toBe(10);
    await audit.close();
    expect(await metricValue(metrics, 'broker_audit_events_dropped_total')).toBe(15);
    expect(lines.some((line) => line.includes('audit events dropped'))).toBe(true);
    expect(lines.some((line) => line.includes('could not be written at shutdown'))).toBe(true);
    await dead.destroy();
  });

  it('creates a missing month partition when an event needs it', async () => {
    const audit = new AuditLog(testApp.app.services.db, silent, new Metrics());
    const orderId = `order-${randomSuffix()}`;
    audit.record(event(orderId, { time: new Date('2031-07-15T10:00:00.000Z') }));
    await audit.flush();
    expect(await listPartitions(testApp.app.services.db)).toContain('audit_events_2031_07');
    expect(await rowsOf(orderId)).toHaveLength(1);
    await audit.close();
  });
});

describe('broker_confirmations_total', () => {
  it('counts staged writes by what happened to them, from the audit events', async () => {
    const metrics = new Metrics();
    const audit = new AuditLog(testApp.app.services.db, silent, metrics, { flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    audit.record(event(orderId, { outcome: 'PENDING_CONFIRMATION' }));
    audit.record(event(orderId, { outcome: 'OK' }));
    audit.record(event(orderId, { event: 'confirmation_apply', outcome: 'APPLIED' }));
    audit.record(event(orderId, { event: 'confirmation_apply', outcome: 'REJECTED_BY_AMAZON' }));
    audit.record(event(orderId, { event: 'confirmation_apply', outcome: 'TOKEN_EXPIRED' }));
    audit.record(event(orderId, { event: 'confirmation_reject', outcome: 'REJECTED' }));
    audit.record(event(orderId, { event: 'confirmation_expire', outcome: 'EXPIRED' }));
    const values = (await metrics.confirmations.get()).values.map((v) => [v.labels.status, v.value]);
    expect(Object.fromEntries(values)).toEqual({ staged: 1, applied: 1, amazon_rejected: 1, apply_error: 1, rejected: 1, expired: 1 });
    await audit.close();
  });
});

describe('audit partitions', () => {
  it('creates the coming months ahead and drops whole months past retention', async () => {
    const db = testApp.app.services.db;
    const audit = new AuditLog(db, silent, new Metrics());
    const orderId = `order-${randomSuffix()}`;
    audit.record(event(orderId, { time: new Date('2024-03-10T00:00:00.000Z') }));
    audit.record(event(orderId, { time: new Date('2025-01-31T23:59:59.999Z') }));
    await audit.flush();
    await audit.close();

    const now = new Date('2026-01-20T00:00:00.000Z');
    const result = await maintainAuditPartitions(db, 365, now);
    // The cutoff is 2025-01-20; January 2025 holds events until 2025-02-01: kept whole.
    expect(result.dropped).toEqual(['audit_events_2024_03']);
    expect(result.created).toEqual(expect.arrayContaining(['audit_events_2026_01', 'audit_events_2026_02', 'audit_events_2026_03']));
    expect((await rowsOf(orderId)).map((row) => row.time.toISOString())).toEqual(['2025-01-31T23:59:59.999Z']);
    expect(await maintainAuditPartitions(db, 365, now)).toEqual({ created: [], dropped: [] });
  });
});
