import { invalidRequest } from '../../errors.js';
import { describePeriod, inferPeriod, isoDate, parseReportDate, periodEnd, periodStart, todayIn, yearsBefore, type Period } from './dates.js';
import { BRAND_ANALYTICS, MAX_ASIN_OPTION_LENGTH, SALES_AND_TRAFFIC, SELLER_PERFORMANCE } from './report-types.js';

/** What createReport is asked for; stored with each binding so a resume knows what it resumes. */
export interface ReportSpec {
  /** The broker's report type: an analytics.fetch report_type, or `account_health`. */
  reportType: string;
  amazonReportType: string;
  marketplaceIds: string[];
  dataStartTime?: string;
  dataEndTime?: string;
  /** Set when dataEndTime was clamped to now: the end the dates asked for. */
  requestedEndTime?: string;
  reportOptions?: Record<string, string>;
}

export interface AnalyticsParams {
  report_type?: string;
  start_date?: string;
  end_date?: string;
  report_period?: Period;
  asins?: string[];
}

const DAY_MS = 86_400_000;
const startOf = (day: number) => `${isoDate(day)}T00:00:00Z`;
const endOf = (day: number) => `${isoDate(day)}T23:59:59Z`;
const endMsOf = (day: number) => day + DAY_MS - 1_000;

/**
 * Amazon's dataStartTime and dataEndTime "must be prior to or equal to the current date and time"
 * (reports_2021-06-30 model; models#5209). Report times are UTC, so east of UTC even yesterday's
 * end can lie ahead. The latest end the broker sends is now less a margin for clock skew, rounded
 * down to five minutes so identical requests close together still reuse one report.
 */
const CLOCK_MARGIN_MS = 2 * 60_000;
const END_TIME_STEP_MS = 5 * 60_000;
export const latestDataTime = (now: number) => Math.floor((now - CLOCK_MARGIN_MS) / END_TIME_STEP_MS) * END_TIME_STEP_MS;

/** The last day of the last whole period that is over (in UTC) at `latest`. */
function lastWholePeriodEnd(period: Period, latest: number): number {
  const lastFullDay = Math.floor((latest - (DAY_MS - 1_000)) / DAY_MS) * DAY_MS;
  return periodEnd(period, lastFullDay) === lastFullDay ? lastFullDay : periodStart(period, lastFullDay) - DAY_MS;
}

export function accountHealthSpec(marketplaceId: string): ReportSpec {
  // Amazon's seller performance report takes no dates and no options (docs/amazon.md#account-health).
  return { reportType: 'account_health', amazonReportType: SELLER_PERFORMANCE, marketplaceIds: [marketplaceId] };
}

/**
 * Checks Amazon's date rules for the report type before anything is requested (a broken rule would
 * otherwise come back FATAL after a minute of quota) and builds the createReport body.
 */
export function analyticsReportSpec(params: AnalyticsParams, marketplace: { id: string; timeZone: string }, now = Date.now()): ReportSpec {
  const reportType = params.report_type ?? 'insights_summary';
  if (params.start_date === undefined) throw invalidRequest('start_date is required (or report_id to resume a report)', { field: 'params.start_date' });
  if (params.end_date === undefined) throw invalidRequest('end_date is required (or report_id to resume a report)', { field: 'params.end_date' });
  const start = parseReportDate(params.start_date, 'params.start_date');
  const end = parseReportDate(params.end_date, 'params.end_date');
  const today = todayIn(marketplace.timeZone, now);
  if (end < start) throw invalidRequest('end_date must not be before start_date (both days are included)', { field: 'params.end_date' });
  if (end > today) throw invalidRequest(`end_date is in the future (today is ${isoDate(today)} in this marketplace)`, { field: 'params.end_date' });
  const latest = latestDataTime(now);
  if (start > latest) {
    throw invalidRequest(`start_date ${isoDate(start)} has not begun yet in UTC, the time Amazon's reports use (it is ${new Date(now).toISOString()}); the latest start_date possible is ${isoDate(Math.floor(latest / DAY_MS) * DAY_MS)}`, {
      field: 'params.start_date',
    });
  }
  const base = { reportType, marketplaceIds: [marketplace.id], dataStartTime: startOf(start), dataEndTime: endOf(end) };

  const rule = BRAND_ANALYTICS[reportType];
  if (!rule) {
    // Sales and traffic: daily rows per child ASIN serve both the digest and the raw report, so the
    // two share one Amazon report. Amazon cancels requests starting more than two years back.
    if (start < yearsBefore(today, 2)) throw invalidRequest('start_date is more than two years ago; Amazon keeps sales and traffic data for two years', { field: 'params.start_date' });
    if (params.asins !== undefined) throw invalidRequest(`asins is not used by ${reportType}`, { field: 'params.asins' });
    const period = params.report_period ?? 'DAY';
    const allowed: Period[] = reportType === 'insights_summary' ? ['DAY'] : ['DAY', 'WEEK', 'MONTH'];
    if (!allowed.includes(period)) {
      throw invalidRequest(`report_period ${period} is not available for ${reportType} (use ${allowed.join(', ')})`, { field: 'params.report_period' });
    }
    // Any range will do: a range reaching past now ends now (the answer says so in clamped_end_time).
    const clamped = endMsOf(end) > latest ? { dataEndTime: new Date(latest).toISOString(), requestedEndTime: base.dataEndTime } : {};
    return { ...base, ...clamped, amazonReportType: SALES_AND_TRAFFIC, reportOptions: { asinGranularity: 'CHILD', dateGranularity: period } };
  }

  const period = params.report_period ?? inferPeriod(start, end);
  if (period === undefined) {
    throw invalidRequest(
      'the dates do not span exactly one DAY, WEEK (Sunday to Saturday), MONTH or QUARTER; pass report_period',
      { field: 'params.report_period' },
    );
  }
  if (!rule.periods.includes(period)) {
    throw invalidRequest(`report_period ${period} is not available for ${reportType} (use ${rule.periods.join(', ')})`, { field: 'params.report_period' });
  }
  if (periodStart(period, start) !== start) {
    throw invalidRequest(`start_date must be the first day of a ${describePeriod(period)}, e.g. ${isoDate(periodStart(period, start))}`, { field: 'params.start_date' });
  }
  if (periodEnd(period, end) !== end) {
    throw invalidRequest(`end_date must be the last day of a ${describePeriod(period)}, e.g. ${isoDate(periodEnd(period, end))}`, { field: 'params.end_date' });
  }
  if (!rule.spansPeriods && periodEnd(period, start) !== end) {
    throw invalidRequest(`${reportType} covers exactly one ${describePeriod(period)}: end_date must be ${isoDate(periodEnd(period, start))}`, { field: 'params.end_date' });
  }
  if (endMsOf(end) > latest) {
    // Brand Analytics needs whole periods: one not over in UTC cannot be asked for yet.
    throw invalidRequest(
      `the ${describePeriod(period)} ending ${isoDate(end)} is not over yet in UTC, the time Amazon's reports use (it is ${new Date(now).toISOString()}), and Amazon takes no data after now; the latest whole ${period} ends ${isoDate(lastWholePeriodEnd(period, latest))}`,
      { field: 'params.end_date' },
    );
  }
  const options: Record<string, string> = { reportPeriod: period };
  if (rule.asins === undefined && params.asins !== undefined) throw invalidRequest(`asins is not used by ${reportType}`, { field: 'params.asins' });
  if (rule.asins?.required && (params.asins === undefined || params.asins.length === 0)) {
    throw invalidRequest(`${reportType} needs asins: a list of ASINs, e.g. ["B0MP6NVW98"] (Amazon takes up to ${MAX_ASIN_OPTION_LENGTH} characters of them)`, { field: 'params.asins' });
  }
  if (rule.asins && params.asins !== undefined) {
    const joined = [...new Set(params.asins)].join(' ');
    if (joined.length > MAX_ASIN_OPTION_LENGTH) throw invalidRequest(`asins are limited to ${MAX_ASIN_OPTION_LENGTH} characters in total by Amazon`, { field: 'params.asins' });
    options[rule.asins.option] = joined;
  }
  return { ...base, amazonReportType: rule.amazonReportType, reportOptions: options };
}
