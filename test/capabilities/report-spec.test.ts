import { describe, expect, it } from 'vitest';
import { inferPeriod, parseReportDate, periodEnd, periodStart, todayIn } from '../../src/capabilities/reports/dates.js';
import { accountHealthSpec, analyticsReportSpec, type AnalyticsParams } from '../../src/capabilities/reports/spec.js';
import { invalidField } from '../helpers/envelope.js';

// Thursday 2026-11-26, noon UTC.
const NOW = Date.parse('2026-11-26T12:00:00Z');
const US = { id: 'ATVPDKIKX0DER', timeZone: 'America/Los_Angeles' };
const d = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const spec = (params: AnalyticsParams) => analyticsReportSpec(params, US, NOW);

describe('report dates', () => {
  it('reads the calendar date of dates and date-times (Amazon ignores the time)', () => {
    expect(parseReportDate('2026-11-01', 'f')).toBe(d('2026-11-01'));
    expect(parseReportDate('2026-11-01T23:30:00-08:00', 'f')).toBe(d('2026-11-01'));
    expect(invalidField(() => parseReportDate('2026-11-31', 'params.end_date'))).toBe('params.end_date');
    expect(invalidField(() => parseReportDate('11/01/2026', 'params.start_date'))).toBe('params.start_date');
  });

  it('knows period boundaries, with Sunday-to-Saturday weeks', () => {
    expect(periodStart('WEEK', d('2026-11-26'))).toBe(d('2026-11-22'));
    expect(periodEnd('WEEK', d('2026-11-26'))).toBe(d('2026-11-28'));
    expect(periodEnd('MONTH', d('2024-02-10'))).toBe(d('2024-02-29'));
    expect(periodStart('QUARTER', d('2026-08-15'))).toBe(d('2026-07-01'));
    expect(periodEnd('QUARTER', d('2026-08-15'))).toBe(d('2026-09-30'));
  });

  it('infers the period when the dates span exactly one', () => {
    expect(inferPeriod(d('2026-11-03'), d('2026-11-03'))).toBe('DAY');
    expect(inferPeriod(d('2026-11-15'), d('2026-11-21'))).toBe('WEEK');
    expect(inferPeriod(d('2026-11-16'), d('2026-11-22'))).toBeUndefined(); // Monday–Sunday
    expect(inferPeriod(d('2026-10-01'), d('2026-10-31'))).toBe('MONTH');
    expect(inferPeriod(d('2026-07-01'), d('2026-09-30'))).toBe('QUARTER');
    expect(inferPeriod(d('2026-10-01'), d('2026-11-30'))).toBeUndefined();
  });

  it("uses the marketplace's own today", () => {
    expect(todayIn('Asia/Tokyo', Date.parse('2026-11-26T20:00:00Z'))).toBe(d('2026-11-27'));
    expect(todayIn('America/Los_Angeles', Date.parse('2026-11-26T05:00:00Z'))).toBe(d('2026-11-25'));
  });
});

describe('analyticsReportSpec', () => {
  it('builds the sales and traffic request shared by insights_summary and sales_traffic', () => {
    const insights = spec({ start_date: '2026-11-01', end_date: '2026-11-20' });
    expect(insights).toEqual({
      reportType: 'insights_summary',
      amazonReportType: 'GET_SALES_AND_TRAFFIC_REPORT',
      marketplaceIds: [US.id],
      dataStartTime: '2026-11-01T00:00:00Z',
      dataEndTime: '2026-11-20T23:59:59Z',
      reportOptions: { asinGranularity: 'CHILD', dateGranularity: 'DAY' },
    });
    const raw = spec({ report_type: 'sales_traffic', start_date: '2026-11-01', end_date: '2026-11-20' });
    expect({ ...raw, reportType: 'insights_summary' }).toEqual(insights);
    expect(spec({ report_type: 'sales_traffic', start_date: '2026-11-01', end_date: '2026-11-20', report_period: 'WEEK' }).reportOptions).toEqual({ asinGranularity: 'CHILD', dateGranularity: 'WEEK' });
  });

  it('checks the sales and traffic date rules', () => {
    expect(invalidField(() => spec({ end_date: '2026-11-20' }))).toBe('params.start_date');
    expect(invalidField(() => spec({ start_date: '2026-11-20' }))).toBe('params.end_date');
    expect(invalidField(() => spec({ start_date: '2026-11-20', end_date: '2026-11-19' }))).toBe('params.end_date');
    expect(invalidField(() => spec({ start_date: '2026-11-20', end_date: '2026-11-27' }))).toBe('params.end_date');
    // Today ends at noon less a margin: Amazon takes no dataEndTime after now.
    expect(spec({ start_date: '2026-11-26', end_date: '2026-11-26' })).toMatchObject({ dataEndTime: '2026-11-26T11:55:00.000Z', requestedEndTime: '2026-11-26T23:59:59Z' });
    expect(invalidField(() => spec({ start_date: '2024-11-25', end_date: '2024-12-01' }))).toBe('params.start_date');
    expect(spec({ start_date: '2024-11-26', end_date: '2024-12-01' }).dataStartTime).toBe('2024-11-26T00:00:00Z');
    expect(invalidField(() => spec({ start_date: '2026-11-01', end_date: '2026-11-20', asins: ['B000000001'] }))).toBe('params.asins');
    expect(invalidField(() => spec({ start_date: '2026-11-01', end_date: '2026-11-20', report_period: 'WEEK' }))).toBe('params.report_period');
    expect(invalidField(() => spec({ report_type: 'sales_traffic', start_date: '2026-07-01', end_date: '2026-09-30', report_period: 'QUARTER' }))).toBe('params.report_period');
  });

  it('infers and checks Brand Analytics periods', () => {
    expect(spec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-15', end_date: '2026-11-21' })).toMatchObject({
      amazonReportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT',
      reportOptions: { reportPeriod: 'WEEK' },
    });
    expect(spec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-24', end_date: '2026-11-24' }).reportOptions).toEqual({ reportPeriod: 'DAY' });
    // Not one period and no report_period: which period is meant is unknown.
    expect(invalidField(() => spec({ report_type: 'brand_analytics_market_basket', start_date: '2026-11-08', end_date: '2026-11-21' }))).toBe('params.report_period');
    // Market basket may span periods; search terms may not.
    expect(spec({ report_type: 'brand_analytics_market_basket', start_date: '2026-11-08', end_date: '2026-11-21', report_period: 'WEEK' }).reportOptions).toEqual({ reportPeriod: 'WEEK' });
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-08', end_date: '2026-11-21', report_period: 'WEEK' }))).toBe('params.end_date');
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-09', end_date: '2026-11-21', report_period: 'WEEK' }))).toBe('params.start_date');
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-08', end_date: '2026-11-13', report_period: 'WEEK' }))).toBe('params.end_date');
    expect(invalidField(() => spec({ report_type: 'brand_analytics_repeat_purchase', start_date: '2026-11-24', end_date: '2026-11-24' }))).toBe('params.report_period');
    expect(spec({ report_type: 'brand_analytics_repeat_purchase', start_date: '2026-07-01', end_date: '2026-10-31', report_period: 'MONTH' }).reportOptions).toEqual({ reportPeriod: 'MONTH' });
  });

  it('takes ASINs only where Amazon does, space-separated within 200 characters', () => {
    const week = { start_date: '2026-11-15', end_date: '2026-11-21' };
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_query_performance', ...week }))).toBe('params.asins');
    expect(spec({ report_type: 'brand_analytics_search_query_performance', ...week, asins: ['B000000001', 'B000000002'] }).reportOptions).toEqual({
      reportPeriod: 'WEEK',
      asin: 'B000000001 B000000002',
    });
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_query_performance', start_date: '2026-11-24', end_date: '2026-11-24', asins: ['B000000001'] }))).toBe(
      'params.report_period',
    );
    expect(spec({ report_type: 'brand_analytics_search_catalog_performance', ...week }).reportOptions).toEqual({ reportPeriod: 'WEEK' });
    expect(spec({ report_type: 'brand_analytics_search_catalog_performance', ...week, asins: ['B000000001'] }).reportOptions).toEqual({ reportPeriod: 'WEEK', asins: 'B000000001' });
    expect(invalidField(() => spec({ report_type: 'brand_analytics_market_basket', ...week, asins: ['B000000001'] }))).toBe('params.asins');
    const tooMany = Array.from({ length: 19 }, (_, i) => `B0000000${String(i).padStart(2, '0')}`);
    expect(invalidField(() => spec({ report_type: 'brand_analytics_search_query_performance', ...week, asins: tooMany }))).toBe('params.asins');
  });

  it('asks account health for the marketplace only', () => {
    expect(accountHealthSpec('A1PA6795UKMFR9')).toEqual({ reportType: 'account_health', amazonReportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: ['A1PA6795UKMFR9'] });
  });
});

describe('report dates never ask for data after now (reports model: "prior to or equal to the current date and time")', () => {
  // 20:00 UTC on Sunday 2026-11-29 is 05:00 on Monday 2026-11-30 in Tokyo.
  const LATE = Date.parse('2026-11-29T20:00:00Z');
  const JP = { id: 'A1VC38T7YXB528', timeZone: 'Asia/Tokyo' };

  it('clamps the end of a sales and traffic range to now less a margin, keeping what was asked', () => {
    const s = analyticsReportSpec({ report_type: 'sales_traffic', start_date: '2026-11-20', end_date: '2026-11-29' }, JP, LATE);
    expect(s).toMatchObject({ dataEndTime: '2026-11-29T19:55:00.000Z', requestedEndTime: '2026-11-29T23:59:59Z' });
    const past = analyticsReportSpec({ report_type: 'sales_traffic', start_date: '2026-11-20', end_date: '2026-11-28' }, JP, LATE);
    expect(past.dataEndTime).toBe('2026-11-28T23:59:59Z');
    expect(past.requestedEndTime).toBeUndefined();
  });

  it("refuses a start that has not begun in UTC, and a Brand Analytics period that is not over in UTC (Tokyo's yesterday)", () => {
    expect(invalidField(() => analyticsReportSpec({ start_date: '2026-11-30', end_date: '2026-11-30' }, JP, LATE))).toBe('params.start_date');
    const day = () => analyticsReportSpec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-29', end_date: '2026-11-29' }, JP, LATE);
    expect(invalidField(day)).toBe('params.end_date');
    expect(() => day()).toThrow(/not over yet in UTC.*latest whole DAY ends 2026-11-28/);
    const week = () => analyticsReportSpec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-22', end_date: '2026-11-28' }, JP, Date.parse('2026-11-28T23:00:00Z'));
    expect(() => week()).toThrow(/latest whole WEEK ends 2026-11-21/);
    expect(analyticsReportSpec({ report_type: 'brand_analytics_search_terms', start_date: '2026-11-28', end_date: '2026-11-28' }, JP, LATE).dataEndTime).toBe('2026-11-28T23:59:59Z');
  });
});
