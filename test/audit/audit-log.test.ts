import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { listPartitions, maintainAuditPartitions } from '../../src/audit/partitions.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { Metrics } from '../../src/metrics.js';
import { randomSuffix, testConfig } from '../helpers/app.js';
import { embeddedCopy } from '../helpers/databases.js';
import { missing } from '../helpers/services.js';
import { useTestApp } from '../helpers/harness.js';

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

/** How many statements wrote the order's rows: each autocommitted INSERT is one transaction (one xmin). */
async function insertsOf(db: Db, orderId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(DISTINCT xmin::text)::int AS n FROM audit_events WHERE order_id = ${orderId}`.execute(db);
  return rows[0]!.n;
}

const metricValue = async (metrics: Metrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

const testApp = useTestApp();

const rowsOf = (orderId: string) => testApp.app.services.db.selectFrom('audit_events').selectAll().where('order_id', '=', orderId).orderBy('time').orderBy('id').execute();

describe('the audit log', () => {
  it('writes off the request path in batches of at most 500, one INSERT each, on flush()', async () => {
    const db = testApp.app.services.db;
    const metrics = new Metrics();
    const audit = new AuditLog(db, silent, metrics, { flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    for (let i = 0; i < 1200; i++) audit.record(event(orderId, { latencyMs: i }));
    await audit.flush();
    expect(await insertsOf(db, orderId)).toBe(3);
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

/**
 * The batch INSERT is one fixed statement (arrays per column): what goes in must come back exactly,
 * on Postgres (a named prepared statement) and on embedded PGlite (a plain parameterized query).
 */
describe.each([
  ['Postgres', async () => (testApp.config.databaseUrl ? createDatabase({ databaseUrl: testApp.config.databaseUrl, dataDir: 'unused' }) : undefined)],
  ['embedded PGlite', () => embeddedCopy(testConfig())],
])('the audit batch statement on %s', (_backend, open) => {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db?.destroy());

  const rowsIn = (orderId: string) => db!.selectFrom('audit_events').selectAll().where('order_id', '=', orderId).orderBy('time').orderBy('id').execute();

  it('round-trips nulls, awkward strings, request id arrays and millisecond timestamps exactly', async ({ skip }) => {
    if (!db) return skip(missing('Postgres'));
    const audit = new AuditLog(db, silent, new Metrics(), { flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    const awkward = 'NULL "quoted" \\ back,slash {braces} é ✓';
    const events = [
      event(orderId, {
        time: new Date('2030-01-31T23:59:59.999Z'),
        buyerId: null,
        tokenId: null,
        toolId: null,
        confirmationId: null,
        marketplaceId: null,
        amazonRequestIds: [],
        latencyMs: 0.4,
      }),
      event(orderId, {
        time: new Date('2030-02-01T00:00:00.000Z'),
        event: 'confirmation_apply',
        confirmationId: 'conf-1',
        outcome: awkward,
        capability: awkward,
        amazonRequestIds: ['rid-b', 'NULL', '', 'x"y\\z', 'rid-a'],
        httpStatus: 0,
        latencyMs: 2.5,
      }),
      event(orderId, { time: new Date('2030-02-01T00:00:00.001Z'), buyerId: 'NULL', capability: 'c'.repeat(150) }),
    ];
    for (const e of events) audit.record(e);
    await audit.close();
    const rows = await rowsIn(orderId);
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual(
      events.map((e) => ({
        time: e.time,
        event: e.event,
        order_id: e.orderId,
        buyer_id: e.buyerId,
        token_id: e.tokenId,
        tool_id: e.toolId,
        confirmation_id: e.confirmationId,
        capability: e.capability.slice(0, 100),
        marketplace_id: e.marketplaceId,
        outcome: e.outcome,
        http_status: e.httpStatus,
        latency_ms: Math.round(e.latencyMs),
        amazon_request_ids: e.amazonRequestIds,
      })),
    );
  });

  it('writes a caller-chosen string Postgres cannot store (NUL, a lone surrogate) with U+FFFD in its place, and the rest of its batch with it', async ({ skip }) => {
    if (!db) return skip(missing('Postgres'));
    const audit = new AuditLog(db, silent, new Metrics(), { flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    audit.record(event(orderId, { time: new Date('2030-03-01T00:00:00.000Z'), capability: 'listings.get\u0000x', outcome: 'NOT_\ud800FOUND' }));
    audit.record(event(orderId, { time: new Date('2030-03-01T00:00:00.001Z'), amazonRequestIds: ['r\u0000id'] }));
    await audit.flush();
    expect(audit.depth).toBe(0);
    const rows = await rowsIn(orderId);
    expect(rows.map((row) => [row.capability, row.outcome, row.amazon_request_ids])).toEqual([
      ['listings.get\ufffdx', 'NOT_\ufffdFOUND', ['rid-1', 'rid-2']],
      ['orders.summary', 'OK', ['r\ufffdid']],
    ]);
  });

  it('writes batches of different sizes with the same statement, and creates a month that has no partition yet', async ({ skip }) => {
    if (!db) return skip(missing('Postgres'));
    const audit = new AuditLog(db, silent, new Metrics(), { batchSize: 4, flushIntervalMs: 60_000 });
    const orderId = `order-${randomSuffix()}`;
    const missingMonth = new Date('2033-05-20T12:34:56.789Z');
    expect(await listPartitions(db)).not.toContain('audit_events_2033_05');
    // 7 events = one batch of 4 and one of 3; the second mixes an existing month and a missing one.
    for (let i = 0; i < 6; i++) audit.record(event(orderId, { latencyMs: i, buyerId: i % 2 ? null : 'buyer-1' }));
    audit.record(event(orderId, { time: missingMonth, amazonRequestIds: ['rid-late'] }));
    await audit.flush();
    expect(await listPartitions(db)).toContain('audit_events_2033_05');
    const rows = await rowsIn(orderId);
    expect(rows.map((row) => row.latency_ms)).toEqual([0, 1, 2, 3, 4, 5, 12]);
    expect(rows.map((row) => row.buyer_id)).toEqual(['buyer-1', null, 'buyer-1', null, 'buyer-1', null, 'buyer-1']);
    expect(rows.at(-1)).toMatchObject({ time: missingMonth, amazon_request_ids: ['rid-late'] });
    expect(await insertsOf(db, orderId)).toBe(2);
    await audit.close();
  });
});
