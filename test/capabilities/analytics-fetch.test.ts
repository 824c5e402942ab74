import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { randomSuffix } from '../helpers/app.js';
import { simulatorClient } from '../helpers/simulator-client.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received, sleep } from './helpers.js';

const NA = SEED.sellers.NA;
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The last whole Sunday–Saturday week that ended at least two days ago. */
const lastSaturday = today - 2 * DAY - ((new Date(today - 2 * DAY).getUTCDay() + 1) % 7) * DAY;

const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['analytics.fetch', 'orders.summary']);

const createBodies = (from: number) => received(h.sim, 'createReport', from).map((r) => r.body);

describe('analytics.fetch: insights_summary and sales_traffic', () => {
  const range = { start_date: iso(today - 15 * DAY), end_date: iso(today - 2 * DAY) };

  it('requests the sales and traffic report, polls no faster than Amazon allows, and answers a digest matching the order metrics', async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('analytics.fetch', range));
    expect(createBodies(from)).toEqual([
      {
        reportType: 'GET_SALES_AND_TRAFFIC_REPORT',
        marketplaceIds: [SEED.marketplaces.US],
        dataStartTime: `${range.start_date}T00:00:00Z`,
        dataEndTime: `${range.end_date}T23:59:59Z`,
        reportOptions: { asinGranularity: 'CHILD', dateGranularity: 'DAY' },
      },
    ]);
    // The simulated report is ready after 0.3 s; the first look comes a second after creating it.
    expect(received(h.sim, 'getReport', from)).toHaveLength(1);
    expect(received(h.sim, 'getReportDocument', from)).toHaveLength(1);
    expect(received(h.sim, 'downloadDocument', from)).toHaveLength(1);
    expect(data).toMatchObject({ status: 'DONE', report_id: expect.any(String), report_type: 'insights_summary', processing_status: 'DONE', marketplace_id: SEED.marketplaces.US });
    const report = data.report;
    expect(report.date_range).toEqual({ start_date: range.start_date, end_date: range.end_date, days: 14 });
    expect(report.trend).toHaveLength(14);
    expect(report.top_asins.length).toBeGreaterThan(0);
    expect(report.top_asins.length).toBeLessThanOrEqual(10);
    for (const row of report.top_asins) expect(NA.asins).toContain(row.asin);
    expect(JSON.stringify(data).length).toBeLessThan(8_000);

    const metrics = expectOk(
      await na.call('orders.summary', { start_date: `${range.start_date}T00:00:00Z`, end_date: `${iso(Date.parse(range.end_date) + DAY)}T00:00:00Z`, granularity: 'TOTAL' }),
    );
    expect(report.totals.units_ordered).toBe(metrics.totals.unit_count);
    expect(report.totals.total_order_items).toBe(metrics.totals.order_item_count);
    expect(report.totals.ordered_product_sales.amount).toBeCloseTo(metrics.totals.total_sales.amount, 0);
    expect(report.totals.ordered_product_sales.currency_code).toBe('USD');
  });

  it('reuses the report: a repeat and another order of the seller spend no createReport; sales_traffic shares it', async () => {
    const from = mark(h.sim);
    const first = expectOk(await na.call('analytics.fetch', range));
    expect(received(h.sim, 'createReport', from)).toHaveLength(0);
    expect(received(h.sim, 'getReportDocument', from)).toHaveLength(0);

    const otherOrder = `order-${randomSuffix()}`;
    const other = await connectCaller(h, ['analytics.fetch'], { buyerId: na.buyerId, orderId: otherOrder });
    const reused = expectOk(await other.call('analytics.fetch', range));
    expect(reused.report_id).toBe(first.report_id);
    expect(received(h.sim, 'createReport', from)).toHaveLength(0);
    const rows = await h.testApp.app.services.db.selectFrom('report_requests').select(['order_id', 'buyer_id', 'selling_partner_id']).where('report_id', '=', first.report_id).execute();
    expect(rows.map((r) => r.order_id).sort()).toEqual([na.orderId, otherOrder].sort());
    expect(new Set(rows.map((r) => r.selling_partner_id))).toEqual(new Set([NA.sellingPartnerId]));

    const raw = expectOk(await na.call('analytics.fetch', { ...range, report_type: 'sales_traffic' }));
    expect(raw.report_id).toBe(first.report_id);
    expect(raw.report_type).toBe('sales_traffic');
    expect(received(h.sim, 'createReport', from)).toHaveLength(0);
    expect(raw.report.salesAndTrafficByDate).toHaveLength(14);
    expect(raw.report.salesAndTrafficByDate[0]).toMatchObject({ date: range.start_date, salesByDate: { orderedProductSales: { currencyCode: 'USD' } }, trafficByDate: { sessions: expect.any(Number) } });
    expect(raw.report.salesAndTrafficByAsin[0]).toMatchObject({ childAsin: expect.any(String), salesByAsin: expect.any(Object) });
  });

  it('answers IN_PROGRESS with wait_seconds 0, then resumes by report_id without a second report', async () => {
    const params = { start_date: iso(today - 30 * DAY), end_date: iso(today - 20 * DAY) };
    const from = mark(h.sim);
    const pending = expectOk(await na.call('analytics.fetch', { ...params, wait_seconds: 0 }));
    expect(pending).toMatchObject({ status: 'IN_PROGRESS', report_id: expect.any(String), processing_status: 'IN_QUEUE' });
    expect(pending.report).toBeNull();
    expect(received(h.sim, 'createReport', from)).toHaveLength(1);
    expect(received(h.sim, 'getReport', from)).toHaveLength(0);
    await sleep(400);
    const done = expectOk(await na.call('analytics.fetch', { report_id: pending.report_id }));
    expect(done).toMatchObject({ status: 'DONE', report_id: pending.report_id, report_type: 'insights_summary' });
    expect(done.report.date_range.days).toBe(11);
    expect(received(h.sim, 'createReport', from)).toHaveLength(1);
    // A report_id resumed as another type that shares the Amazon report renders as that type.
    const raw = expectOk(await na.call('analytics.fetch', { report_id: pending.report_id, report_type: 'sales_traffic' }));
    expect(raw.report.salesAndTrafficByDate).toHaveLength(11);
  });

  it('resumes a shared report_id as the report type this order asked for last', async () => {
    const params = { start_date: iso(today - 50 * DAY), end_date: iso(today - 44 * DAY), wait_seconds: 0 };
    const digest = expectOk(await na.call('analytics.fetch', { ...params, report_type: 'insights_summary' }));
    const raw = expectOk(await na.call('analytics.fetch', { ...params, report_type: 'sales_traffic' }));
    expect(raw.report_id).toBe(digest.report_id);
    await sleep(400);
    const resumed = expectOk(await na.call('analytics.fetch', { report_id: raw.report_id }));
    expect(resumed).toMatchObject({ status: 'DONE', report_type: 'sales_traffic' });
    expect(resumed.report.salesAndTrafficByDate).toHaveLength(7);
  });

  it("refuses another order's report_id exactly like an unknown one", async () => {
    const mine = expectOk(await na.call('analytics.fetch', range));
    const stranger = await connectCaller(h, ['analytics.fetch']);
    const sameBuyerOtherOrder = await connectCaller(h, ['analytics.fetch'], { buyerId: na.buyerId });
    const from = mark(h.sim);
    const foreign = expectError(await stranger.call('analytics.fetch', { report_id: mine.report_id }), 'INVALID_REQUEST', 'params.report_id');
    const unknown = expectError(await stranger.call('analytics.fetch', { report_id: '999999999' }), 'INVALID_REQUEST', 'params.report_id');
    expect(foreign.message).toBe(unknown.message);
    expectError(await sameBuyerOtherOrder.call('analytics.fetch', { report_id: mine.report_id }), 'INVALID_REQUEST', 'params.report_id');
    expect(h.sim.stats.requests.slice(from).filter((r) => r.operation.includes('Report'))).toHaveLength(0);
  });

  it('answers a report Amazon cancelled for lack of data as DONE with report null', async () => {
    // Today in UTC (never ahead of Tokyo's today): Amazon has no data for it yet.
    const fe = await connectCaller(h, ['analytics.fetch'], { region: 'FE' });
    const data = expectOk(await fe.call('analytics.fetch', { start_date: iso(today), end_date: iso(today) }));
    expect(data).toMatchObject({ status: 'DONE', processing_status: 'CANCELLED', report: null, note: expect.stringContaining('no data'), marketplace_id: SEED.marketplaces.JP });
  });

  it("never asks for data after now: an end_date of today in Tokyo ends now, and the answer says so", async () => {
    // Tokyo's today ends hours after UTC's: <today>T23:59:59Z is always ahead (docs/amazon.md#reports).
    const fe = await connectCaller(h, ['analytics.fetch'], { region: 'FE' });
    const tokyoToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    const from = mark(h.sim);
    const data = expectOk(await fe.call('analytics.fetch', { report_type: 'insights_summary', start_date: iso(today - 5 * DAY), end_date: tokyoToday }));
    const sent = (createBodies(from)[0] as { dataEndTime: string }).dataEndTime;
    expect(Date.parse(sent)).toBeLessThanOrEqual(Date.now());
    expect(data).toMatchObject({ status: 'DONE', clamped_end_time: sent, note: expect.stringContaining('Amazon takes no data after now') });
    expect(data.report.totals).toBeDefined();
  });

  it('answers FATAL as SP_API_ERROR with Amazon\'s reason', async () => {
    // A report another tool of this order created with dates Amazon rejects (not a whole week).
    const direct = await simulatorClient(h.sim);
    const created = await direct.post('/reports/2021-06-30/reports', {
      reportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT',
      marketplaceIds: [SEED.marketplaces.US],
      dataStartTime: iso(lastSaturday - 5 * DAY),
      dataEndTime: iso(lastSaturday),
      reportOptions: { reportPeriod: 'WEEK' },
    });
    const reportId = created.body?.reportId as string;
    await h.testApp.app.services.db
      .insertInto('report_requests')
      .values({
        report_id: reportId,
        order_id: na.orderId,
        buyer_id: na.buyerId,
        selling_partner_id: NA.sellingPartnerId,
        region: 'NA',
        marketplace_id: SEED.marketplaces.US,
        report_type: 'brand_analytics_market_basket',
        amazon_report_type: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT',
        request_fingerprint: 'test',
        request: JSON.stringify({ reportType: 'brand_analytics_market_basket', amazonReportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT', marketplaceIds: [SEED.marketplaces.US] }),
      })
      .execute();
    await sleep(400);
    const response = await na.call('analytics.fetch', { report_id: reportId });
    expect(response.statusCode).toBe(502);
    const error = expectError(response, 'SP_API_ERROR');
    expect(error.message).toMatch(/FATAL.*first day of a WEEK/);
    expect(error.details).toMatchObject({ status: 200, errors: [], processing_status: 'FATAL', report_id: reportId });
  });
});

describe('analytics.fetch: Amazon failures', () => {
  it('retries a transient getReport 503 and still answers', async () => {
    const from = mark(h.sim);
    const eu = await connectCaller(h, ['analytics.fetch'], { region: 'EU' });
    h.sim.faults.failNext(1, { status: 503, operation: 'getReport' });
    const data = expectOk(await eu.call('analytics.fetch', { start_date: iso(today - 9 * DAY), end_date: iso(today - 3 * DAY), marketplace_id: SEED.marketplaces.DE }));
    expect(data).toMatchObject({ status: 'DONE', marketplace_id: SEED.marketplaces.DE });
    expect(data.report.currency_code).toBe('EUR');
    expect(received(h.sim, 'getReport', from).map((r) => r.status)).toEqual([503, 200]);
  });

  it('does not repeat a createReport Amazon failed, and passes its error on', async () => {
    const from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'createReport' });
    const error = expectError(await na.call('analytics.fetch', { start_date: iso(today - 40 * DAY), end_date: iso(today - 35 * DAY) }), 'SP_API_ERROR');
    expect(error.details).toMatchObject({ status: 503, errors: [expect.objectContaining({ code: 'ServiceUnavailable' })] });
    expect(received(h.sim, 'createReport', from)).toHaveLength(1);
  });
});

securityCases('analytics.fetch', { start_date: '2026-01-01', end_date: '2026-01-02' }, h);
