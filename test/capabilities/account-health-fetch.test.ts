import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, type Broker } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received, sleep } from './helpers.js';

const h = useBroker(QUICK_REPORTS);

describe('account_health.fetch', () => {
  it("requests the seller performance report for the marketplace and answers Amazon's JSON with a summary", async () => {
    const na = await connectCaller(h, ['account_health.fetch']);
    const from = mark(h.sim);
    const data = expectOk(await na.call('account_health.fetch'));
    expect(received(h.sim, 'createReport', from).map((r) => r.body)).toEqual([{ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [SEED.marketplaces.US] }]);
    const [getReport] = received(h.sim, 'getReport', from);
    expect(getReport?.path).toBe(`/reports/2021-06-30/reports/${data.report_id}`);
    const [document] = received(h.sim, 'getReportDocument', from);
    expect(document?.path).toMatch(/^\/reports\/2021-06-30\/documents\/amzn1\.spdoc\./);
    expect(data).toMatchObject({ status: 'DONE', report_id: expect.any(String), amazon_report_type: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplace_id: SEED.marketplaces.US });
    expect(data.report.accountStatuses).toEqual([{ marketplaceId: SEED.marketplaces.US, status: 'NORMAL' }]);
    expect(data.report.performanceMetrics[0]).toMatchObject({ marketplaceId: SEED.marketplaces.US, orderDefectRate: { mfn: expect.any(Object), afn: expect.any(Object) } });
    expect(data.summary).toMatchObject({
      marketplace_id: SEED.marketplaces.US,
      account_status: 'NORMAL',
      account_health_rating_status: 'GREAT',
      late_shipment_rate: { rate: expect.any(Number), status: 'GOOD' },
    });
  });

  it('reuses a recent report for every order of the seller, and binds it to each', async () => {
    const a = await connectCaller(h, ['account_health.fetch'], { region: 'EU' });
    const first = expectOk(await a.call('account_health.fetch', { marketplace_id: SEED.marketplaces.DE }));
    const from = mark(h.sim);
    const b = await connectCaller(h, ['account_health.fetch'], { region: 'EU' });
    const second = expectOk(await b.call('account_health.fetch', { marketplace_id: SEED.marketplaces.DE }));
    expect(second.report_id).toBe(first.report_id);
    expect(second.report).toEqual(first.report);
    expect(received(h.sim, 'createReport', from)).toHaveLength(0);
    expect(received(h.sim, 'getReportDocument', from)).toHaveLength(0);
    const bindings = await h.testApp.app.services.db.selectFrom('report_requests').select(['buyer_id']).where('report_id', '=', first.report_id).execute();
    expect(bindings.map((r) => r.buyer_id).sort()).toEqual([a.buyerId, b.buyerId].sort());
    // Another marketplace is another report.
    const fr = expectOk(await b.call('account_health.fetch', { marketplace_id: SEED.marketplaces.FR }));
    expect(fr.report_id).not.toBe(first.report_id);
    expect(fr.summary.marketplace_id).toBe(SEED.marketplaces.FR);
  });

  it('answers IN_PROGRESS with wait_seconds 0 and resumes by report_id; other orders and analytics report ids are refused', async () => {
    const fe = await connectCaller(h, ['account_health.fetch', 'analytics.fetch'], { region: 'FE' });
    const from = mark(h.sim);
    const pending = expectOk(await fe.call('account_health.fetch', { wait_seconds: 0 }));
    expect(pending).toMatchObject({ status: 'IN_PROGRESS', report_id: expect.any(String) });
    expect(received(h.sim, 'getReport', from)).toHaveLength(0);
    await sleep(400);
    const done = expectOk(await fe.call('account_health.fetch', { report_id: pending.report_id, wait_seconds: 0 }));
    expect(done).toMatchObject({ status: 'DONE', report_id: pending.report_id, marketplace_id: SEED.marketplaces.JP });
    expect(received(h.sim, 'createReport', from)).toHaveLength(1);

    const stranger = await connectCaller(h, ['account_health.fetch'], { region: 'FE' });
    expectError(await stranger.call('account_health.fetch', { report_id: pending.report_id }), 'INVALID_REQUEST', 'params.report_id');
    const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const analytics = expectOk(await fe.call('analytics.fetch', { start_date: day, end_date: day, wait_seconds: 0 }));
    expectError(await fe.call('account_health.fetch', { report_id: analytics.report_id }), 'INVALID_REQUEST', 'params.report_id');
  });

  it('retries a transient getReportDocument 503 and still answers', async () => {
    const mx = await connectCaller(h, ['account_health.fetch']);
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'getReportDocument' });
    expect(expectOk(await mx.call('account_health.fetch', { marketplace_id: SEED.marketplaces.MX })).summary.marketplace_id).toBe(SEED.marketplaces.MX);
    expect(received(h.sim, 'getReportDocument', from).map((r) => r.status)).toEqual([503, 200]);
  });

  it('refuses bad params by name', async () => {
    const na = await connectCaller(h, ['account_health.fetch']);
    expectError(await na.call('account_health.fetch', { wait_seconds: -1 }), 'INVALID_REQUEST', 'params.wait_seconds');
    expectError(await na.call('account_health.fetch', { report_id: '' }), 'INVALID_REQUEST', 'params.report_id');
    expectError(await na.call('account_health.fetch', { start_date: '2026-01-01' }), 'INVALID_REQUEST', 'params.start_date');
  });
});

describe('account_health.fetch against a slow Amazon', () => {
  const slow: Broker = useBroker({ simulator: { reportTimings: { inQueueMs: 1_000, inProgressMs: 1_500 } } });

  it('polls getReport a second apart and then less often, never faster', async () => {
    const na = await connectCaller(slow, ['account_health.fetch']);
    const from = mark(slow.sim);
    const started = Date.now();
    const data = expectOk(await na.call('account_health.fetch', { wait_seconds: 10 }));
    expect(data.status).toBe('DONE');
    // Ready 2.5 s after creation: looked at after 1 s and 2.5 s (1 s, then 1.5 s later).
    expect(received(slow.sim, 'getReport', from).map((r) => r.status)).toEqual([200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
  });

  it('gives up waiting at wait_seconds with IN_PROGRESS, having polled at most once a second', async () => {
    const na = await connectCaller(slow, ['account_health.fetch'], { region: 'EU' });
    const from = mark(slow.sim);
    const data = expectOk(await na.call('account_health.fetch', { wait_seconds: 2 }));
    expect(data).toMatchObject({ status: 'IN_PROGRESS', processing_status: expect.stringMatching(/^IN_(QUEUE|PROGRESS)$/), retry_after_s: expect.any(Number) });
    expect(received(slow.sim, 'getReport', from).length).toBeLessThanOrEqual(2);
  });
});

securityCases('account_health.fetch', {}, h);
