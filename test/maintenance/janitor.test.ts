import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit.js';
import { runJanitor } from '../../src/maintenance/janitor.js';
import { randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp();

describe('the janitor', () => {
  it('deletes lapsed idempotency records, OAuth states and report bindings, and closes expired confirmations', async () => {
    const db = testApp.app.services.db;
    const past = new Date(Date.now() - 100 * 86_400_000);
    const future = new Date(Date.now() + 86_400_000);
    const order = `order-${randomSuffix()}`;
    for (const [key, expires] of [['old', past], ['live', future]] as const) {
      await db
        .insertInto('idempotency_records')
        .values({ order_id: order, idempotency_key: key, fingerprint: 'f', state: 'done', status_code: 200, response: '{}', lease_expires_at: expires, expires_at: expires })
        .execute();
    }
    await db.insertInto('oauth_states').values({ id: `s-${randomSuffix()}`, buyer_id: 'b', region: 'NA', return_to: null, expires_at: past }).execute();
    await db.insertInto('oauth_states').values({ id: `s-${randomSuffix()}`, buyer_id: 'b', region: 'NA', return_to: null, expires_at: future }).execute();
    const report = {
      order_id: order,
      buyer_id: 'b',
      selling_partner_id: 'A1',
      region: 'NA',
      marketplace_id: 'ATVPDKIKX0DER',
      report_type: 'sales_traffic',
      amazon_report_type: 'GET_SALES_AND_TRAFFIC_REPORT',
      request_fingerprint: 'f',
      request: '{}',
    };
    await db.insertInto('report_requests').values({ ...report, report_id: 'r-old', created_at: past }).execute();
    await db.insertInto('report_requests').values({ ...report, report_id: 'r-new' }).execute();
    const confirmation = {
      order_id: order,
      buyer_id: 'b',
      token_id: 't',
      capability: 'listings.update',
      marketplace_id: 'ATVPDKIKX0DER',
      region: 'NA',
      params: '{}',
      preview: '{}',
      status: 'pending' as const,
      updated_at: new Date(),
    };
    await db.insertInto('confirmations').values({ ...confirmation, id: 'c-old', expires_at: past }).execute();
    await db.insertInto('confirmations').values({ ...confirmation, id: 'c-live', expires_at: future }).execute();

    const audited: AuditEvent[] = [];
    const result = await runJanitor(db, { audit: { record: (event) => audited.push(event) } });
    expect(result).toEqual({ idempotencyRecords: 1, oauthStates: 1, reportBindings: 1, expiredConfirmations: 1, expiredAuthorizations: 0, pendingAuthorizations: 0, auditPartitions: { created: [], dropped: [] } });
    expect(audited).toMatchObject([{ event: 'confirmation_expire', confirmationId: 'c-old', orderId: order, buyerId: 'b', outcome: 'EXPIRED' }]);
    expect((await db.selectFrom('idempotency_records').select('idempotency_key').where('order_id', '=', order).execute()).map((r) => r.idempotency_key)).toEqual(['live']);
    expect((await db.selectFrom('report_requests').select('report_id').where('order_id', '=', order).execute()).map((r) => r.report_id)).toEqual(['r-new']);
    const statuses = await db.selectFrom('confirmations').select(['id', 'status']).where('order_id', '=', order).orderBy('id').execute();
    expect(statuses).toEqual([
      { id: 'c-live', status: 'pending' },
      { id: 'c-old', status: 'expired' },
    ]);
    expect(await runJanitor(db)).toEqual({ idempotencyRecords: 0, oauthStates: 0, reportBindings: 0, expiredConfirmations: 0, expiredAuthorizations: 0, pendingAuthorizations: 0, auditPartitions: { created: [], dropped: [] } });
  });
  it('works through a large backlog in batches, each statement inside the per-query time limit', async () => {
    const db = testApp.app.services.db;
    const order = `order-backlog-${randomSuffix()}`;
    await sql`INSERT INTO idempotency_records (order_id, idempotency_key, fingerprint, state, lease_expires_at, expires_at)
      SELECT ${order}, 'k' || n, 'f', 'done', now() - interval '2 days', now() - interval '1 day' FROM generate_series(1, 12001) AS n`.execute(db);
    const result = await runJanitor(db);
    expect(result.idempotencyRecords).toBe(12_001);
    expect(await db.selectFrom('idempotency_records').select('idempotency_key').where('order_id', '=', order).execute()).toEqual([]);
  });
});
