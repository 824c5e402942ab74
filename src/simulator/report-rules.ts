/**
 * Amazon's per-report-type rules (docs/amazon.md#reports): which report types exist, and whether a
 * request ends DONE, CANCELLED (no data, e.g. start more than 2 years ago) or FATAL (date rules
 * broken).
 * All report dates are calendar dates: "the time component is ignored".
 */
import { DAY, twoYearsAgo } from './sales-data.js';

export const SALES_AND_TRAFFIC = 'GET_SALES_AND_TRAFFIC_REPORT';
export const SEARCH_TERMS = 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT';
export const MARKET_BASKET = 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT';
export const REPEAT_PURCHASE = 'GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT';
export const SEARCH_QUERY_PERFORMANCE = 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT';
export const SEARCH_CATALOG_PERFORMANCE = 'GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT';
export const SELLER_PERFORMANCE = 'GET_V2_SELLER_PERFORMANCE_REPORT';
export const LISTINGS_REPORTS = ['GET_MERCHANT_LISTINGS_ALL_DATA', 'GET_MERCHANT_LISTINGS_DATA', 'GET_FLAT_FILE_OPEN_LISTINGS_DATA'];

export const RETIRED_REPORT_TYPES = ['GET_BRAND_ANALYTICS_ITEM_COMPARISON_REPORT', 'GET_BRAND_ANALYTICS_ALTERNATE_PURCHASE_REPORT'];

export const SUPPORTED_REPORT_TYPES = [
  SALES_AND_TRAFFIC,
  SEARCH_TERMS,
  MARKET_BASKET,
  REPEAT_PURCHASE,
  SEARCH_QUERY_PERFORMANCE,
  SEARCH_CATALOG_PERFORMANCE,
  SELLER_PERFORMANCE,
  ...LISTINGS_REPORTS,
];

export type Period = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';

const BRAND_PERIODS: Record<string, { periods: Period[]; spanning: boolean }> = {
  [SEARCH_TERMS]: { periods: ['DAY', 'WEEK', 'MONTH', 'QUARTER'], spanning: false },
  [MARKET_BASKET]: { periods: ['DAY', 'WEEK', 'MONTH', 'QUARTER'], spanning: true },
  [REPEAT_PURCHASE]: { periods: ['WEEK', 'MONTH', 'QUARTER'], spanning: true },
  [SEARCH_QUERY_PERFORMANCE]: { periods: ['WEEK', 'MONTH', 'QUARTER'], spanning: false },
  [SEARCH_CATALOG_PERFORMANCE]: { periods: ['WEEK', 'MONTH', 'QUARTER'], spanning: false },
};

export const BRAND_ANALYTICS_NO_DATA = 'The requested data is unavailable. Please try a different date range';

export const isBrandAnalytics = (t: string) => t in BRAND_PERIODS;

/** UTC midnight of the calendar date written in an ISO 8601 string (time and offset ignored). */
export function calendarDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3]) ? undefined : ms;
}

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** First day of the period containing `ms` (weeks run Sunday–Saturday). */
export function periodStart(p: Period, ms: number): number {
  const d = new Date(ms);
  if (p === 'DAY') return ms;
  if (p === 'WEEK') return ms - d.getUTCDay() * DAY;
  if (p === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
}

/** Last day of the period starting at `start`. */
export function periodEnd(p: Period, start: number): number {
  const d = new Date(start);
  if (p === 'DAY') return start;
  if (p === 'WEEK') return start + 6 * DAY;
  if (p === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1) - DAY;
}

export function periods(p: Period, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = start; s <= end && out.length < 1000; s = periodEnd(p, s) + DAY) out.push([s, periodEnd(p, s)]);
  return out;
}

export interface Outcome {
  outcome: 'DONE' | 'CANCELLED' | 'FATAL';
  reason?: string;
  /** Effective calendar range of the data (expanded for S&T WEEK/MONTH). */
  start: number;
  end: number;
}

export function decideOutcome(
  reportType: string,
  marketplaceIds: string[],
  startText: string | undefined,
  endText: string | undefined,
  options: Record<string, string>,
  now = Date.now(),
): Outcome {
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const start0 = startText ? (calendarDate(startText) as number) : undefined;
  const end0 = endText ? (calendarDate(endText) as number) : undefined;
  const fatal = (reason: string, s = start0 ?? today, e = end0 ?? today): Outcome => ({ outcome: 'FATAL', reason, start: s, end: e });
  if (reportType === SELLER_PERFORMANCE || LISTINGS_REPORTS.includes(reportType)) return { outcome: 'DONE', start: today, end: today };

  if (reportType === SALES_AND_TRAFFIC) {
    if (marketplaceIds.length !== 1) return fatal('The Sales and Traffic report supports exactly one marketplaceId.');
    const dateGranularity = options.dateGranularity ?? 'DAY';
    const asinGranularity = options.asinGranularity ?? 'PARENT';
    if (!['DAY', 'WEEK', 'MONTH'].includes(dateGranularity)) return fatal(`Invalid dateGranularity ${dateGranularity}.`);
    if (!['PARENT', 'CHILD', 'SKU'].includes(asinGranularity)) return fatal(`Invalid asinGranularity ${asinGranularity}.`);
    let start = start0 ?? today - 2 * DAY;
    let end = end0 ?? today - 2 * DAY;
    if (end < start) return fatal('dataEndTime is before dataStartTime.', start, end);
    if (dateGranularity === 'WEEK') {
      start = periodStart('WEEK', start);
      end = periodEnd('WEEK', periodStart('WEEK', end));
    } else if (dateGranularity === 'MONTH') {
      start = periodStart('MONTH', start);
      end = periodEnd('MONTH', periodStart('MONTH', end));
    }
    if (start < twoYearsAgo(now) || start >= today) return { outcome: 'CANCELLED', reason: 'No data for the requested range.', start, end };
    return { outcome: 'DONE', start, end: Math.min(end, today - DAY) };
  }

  const rule = BRAND_PERIODS[reportType];
  if (!rule) return fatal(`Unsupported report type ${reportType}.`);
  if (marketplaceIds.length !== 1) return fatal('Brand Analytics reports support exactly one marketplaceId.');
  const period = options.reportPeriod as Period | undefined;
  if (!period) return fatal('reportOptions.reportPeriod is required.');
  if (!rule.periods.includes(period)) return fatal(`reportPeriod ${period} is not supported for ${reportType}.`);
  if (reportType === SEARCH_QUERY_PERFORMANCE) {
    const asin = options.asin;
    if (!asin || asin.trim() === '') return fatal('reportOptions.asin is required for the Search Query Performance report.');
    if (asin.length > 200) return fatal('reportOptions.asin exceeds 200 characters.');
  }
  if (reportType === SEARCH_CATALOG_PERFORMANCE && options.asins && options.asins.length > 200) return fatal('reportOptions.asins exceeds 200 characters.');
  if (start0 === undefined || end0 === undefined) return fatal('dataStartTime and dataEndTime are required for Brand Analytics reports.');
  if (end0 < start0) return fatal('dataEndTime is before dataStartTime.');
  if (periodStart(period, start0) !== start0) return fatal(`dataStartTime must be the first day of a ${period} period${period === 'WEEK' ? ' (a Sunday)' : ''}.`);
  const expectedEnd = periodEnd(period, periodStart(period, end0));
  if (expectedEnd !== end0) return fatal(`dataEndTime must be the last day of a ${period} period${period === 'WEEK' ? ' (a Saturday)' : ''}.`);
  if (!rule.spanning && periodEnd(period, start0) !== end0) return fatal(`The report cannot span multiple ${period} periods.`);
  // Brand Analytics says "no data" (a period not published yet, or older than Amazon keeps) as FATAL
  // with this error document, not CANCELLED (models#2952; docs/amazon.md#reports).
  if (start0 < twoYearsAgo(now) || end0 >= today) return { outcome: 'FATAL', reason: BRAND_ANALYTICS_NO_DATA, start: start0, end: end0 };
  return { outcome: 'DONE', start: start0, end: end0 };
}
