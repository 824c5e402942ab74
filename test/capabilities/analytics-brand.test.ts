import { describe, expect, it } from 'vitest';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { useBroker, useCaller } from '../helpers/harness.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

/** analytics.fetch with the Brand Analytics report types: periods, ASINs and Amazon's date rules. */
const NA = SEED.sellers.NA;
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The last whole Sunday–Saturday week that ended at least two days ago. */
const lastSaturday = today - 2 * DAY - ((new Date(today - 2 * DAY).getUTCDay() + 1) % 7) * DAY;
const WEEK = { start_date: iso(lastSaturday - 6 * DAY), end_date: iso(lastSaturday) };
const monthStart = (ms: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), 1);
const LAST_MONTH = { start_date: iso(monthStart(monthStart(today) - DAY)), end_date: iso(monthStart(today) - DAY) };

const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['analytics.fetch']);

const createBodies = (from: number) => received(h.sim, 'createReport', from).map((r) => r.body);

describe('analytics.fetch: Brand Analytics', () => {
  it('infers the WEEK of a search terms report and answers Amazon\'s JSON with Amazon\'s names', async () => {
    const from = mark(h.sim);
    const data = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_search_terms', ...WEEK }));
    expect(createBodies(from)[0]).toMatchObject({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', reportOptions: { reportPeriod: 'WEEK' } });
    expect(data.report.reportSpecification).toMatchObject({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT' });
    expect(data.report.dataByDepartmentAndSearchTerm[0]).toMatchObject({ searchTerm: expect.any(String), clickedAsin: expect.any(String), searchFrequencyRank: expect.any(Number) });
    expect(data).toMatchObject({ truncated: false, total_rows: data.report.dataByDepartmentAndSearchTerm.length });
  });

  it("streams a large search terms report and answers a bounded slice: the seller's own ASINs first, then the top ranks", async () => {
    // Amazon's search terms report covers the whole marketplace: millions of rows (docs#2111).
    h.sim.setSearchTermsRows(5_000);
    try {
      const previousWeek = { start_date: iso(Date.parse(WEEK.start_date) - 7 * DAY), end_date: iso(Date.parse(WEEK.end_date) - 7 * DAY) };
      const from = mark(h.sim);
      const data = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_search_terms', ...previousWeek }));
      expect(data).toMatchObject({ total_rows: 5_000, returned_rows: 2_000, truncated: true, own_asin_rows: 5 });
      const rows = data.report.dataByDepartmentAndSearchTerm as { clickedAsin: string; searchFrequencyRank: number }[];
      expect(rows).toHaveLength(2_000);
      expect(rows.slice(0, 5).every((r) => NA.asins.includes(r.clickedAsin))).toBe(true);
      expect(rows.slice(5).map((r) => r.searchFrequencyRank)).toEqual(Array.from({ length: 1_995 }, (_, i) => i + 1));
      expect(data.report.reportSpecification).toMatchObject({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT' });
      // The seller's ASINs come from its listings (kept an hour, so the first search terms report asked).
      expect(received(h.sim, 'searchListingsItems').length).toBeGreaterThan(0);
      expect(received(h.sim, 'createReport', from)).toHaveLength(1);
    } finally {
      h.sim.setSearchTermsRows(undefined);
    }
  });

  it('sends the ASINs of a search query performance report space-separated; catalog performance takes them optionally', async () => {
    const asins = NA.asins.slice(0, 2);
    const from = mark(h.sim);
    const data = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_search_query_performance', ...WEEK, asins }));
    expect(createBodies(from)[0]).toMatchObject({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT', reportOptions: { reportPeriod: 'WEEK', asin: asins.join(' ') } });
    expect(new Set(data.report.dataByAsin.map((r: { asin: string }) => r.asin))).toEqual(new Set(asins));
    const catalog = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_search_catalog_performance', ...WEEK }));
    expect(createBodies(from)[1]).toMatchObject({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT', reportOptions: { reportPeriod: 'WEEK' } });
    expect((createBodies(from)[1] as { reportOptions: Record<string, string> }).reportOptions.asins).toBeUndefined();
    expect(catalog.report.dataByAsin[0]).toMatchObject({ asin: expect.any(String), impressionData: expect.any(Object), purchaseData: expect.any(Object) });
  });

  it('takes an explicit period for reports spanning several, and infers a MONTH', async () => {
    const twoWeeks = { start_date: iso(Date.parse(WEEK.start_date) - 7 * DAY), end_date: WEEK.end_date };
    const from = mark(h.sim);
    const basket = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_market_basket', ...twoWeeks, report_period: 'WEEK' }));
    expect(new Set(basket.report.dataByAsin.map((r: { startDate: string }) => r.startDate))).toEqual(new Set([twoWeeks.start_date, WEEK.start_date]));
    const repeat = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_repeat_purchase', ...LAST_MONTH }));
    expect(repeat.report.dataByAsin[0]).toMatchObject({ asin: expect.any(String), orders: expect.any(Number), repeatPurchaseRevenue: expect.any(Object) });
    expect(createBodies(from).map((b: any) => b.reportOptions)).toEqual([{ reportPeriod: 'WEEK' }, { reportPeriod: 'MONTH' }]);
  });

  it('answers Brand Analytics "no data" (FATAL, "data is unavailable") as DONE with report null and a note', async () => {
    const threeYearsBack = lastSaturday - 156 * 7 * DAY;
    const old = { start_date: iso(threeYearsBack - 6 * DAY), end_date: iso(threeYearsBack) };
    const data = expectOk(await na.call('analytics.fetch', { report_type: 'brand_analytics_market_basket', ...old }));
    expect(data).toMatchObject({ status: 'DONE', processing_status: 'FATAL', report: null, note: expect.stringMatching(/no data.*data is unavailable/i) });
    // A resume answers the same without asking Amazon again.
    const from = mark(h.sim);
    expect(expectOk(await na.call('analytics.fetch', { report_id: data.report_id }))).toEqual(data);
    expect(received(h.sim, 'getReportDocument', from)).toHaveLength(0);
  });

  it("checks Amazon's date rules before requesting anything, naming the field", async () => {
    const from = mark(h.sim);
    const bad = async (params: Record<string, unknown>, field: string) => expectError(await na.call('analytics.fetch', params), 'INVALID_REQUEST', field);
    await bad({ report_type: 'brand_analytics_item_comparison', ...WEEK }, 'params.report_type');
    await bad({ report_type: 'brand_analytics_search_query_performance', ...WEEK }, 'params.asins');
    await bad({ report_type: 'brand_analytics_search_query_performance', start_date: WEEK.end_date, end_date: WEEK.end_date, asins: [NA.asins[0]] }, 'params.report_period');
    await bad({ report_type: 'brand_analytics_search_terms', start_date: iso(Date.parse(WEEK.start_date) + DAY), end_date: WEEK.end_date, report_period: 'WEEK' }, 'params.start_date');
    await bad({ report_type: 'brand_analytics_search_terms', start_date: iso(Date.parse(WEEK.start_date) - 7 * DAY), end_date: WEEK.end_date, report_period: 'WEEK' }, 'params.end_date');
    await bad({ report_type: 'brand_analytics_market_basket', start_date: iso(Date.parse(WEEK.start_date) - 7 * DAY), end_date: WEEK.end_date }, 'params.report_period');
    await bad({ report_type: 'brand_analytics_market_basket', ...WEEK, asins: [NA.asins[0]] }, 'params.asins');
    await bad({ start_date: iso(today - 3 * DAY), end_date: iso(today + 3 * DAY) }, 'params.end_date');
    await bad({ start_date: iso(today - 800 * DAY), end_date: iso(today - 790 * DAY) }, 'params.start_date');
    await bad({ end_date: iso(today - 3 * DAY) }, 'params.start_date');
    await bad({ start_date: iso(today - 3 * DAY), end_date: iso(today - 4 * DAY) }, 'params.end_date');
    await bad({ start_date: 'last week', end_date: iso(today - 4 * DAY) }, 'params.start_date');
    await bad({ ...WEEK, wait_seconds: 56 }, 'params.wait_seconds');
    await bad({ ...WEEK, report_period: 'YEAR' }, 'params.report_period');
    await bad({ report_id: 'x/../1' }, 'params.report_id');
    await bad({ report_type: 'brand_analytics_search_query_performance', ...WEEK, asins: Array.from({ length: 19 }, () => NA.asins[0]) }, 'params.asins');
    expect(h.sim.stats.requests.slice(from).filter((r) => r.operation.includes('Report'))).toHaveLength(0);
  });
});
