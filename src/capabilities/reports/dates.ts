import { invalidRequest } from '../../errors.js';

/**
 * Calendar arithmetic of report dates. Amazon ignores the time of a report's dataStartTime and
 * dataEndTime ("the time component is ignored"), so every date here is a UTC midnight (ms), and
 * weeks run Sunday to Saturday as in Brand Analytics.
 */
export type Period = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';
export const PERIODS: readonly Period[] = ['DAY', 'WEEK', 'MONTH', 'QUARTER'];

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$)/;

/** The calendar date written in `text` (YYYY-MM-DD, or the date part of an ISO 8601 date-time). */
export function parseReportDate(text: string, field: string): number {
  const m = DATE.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3]) || new Date(ms).getUTCMonth() !== Number(m[2]) - 1) {
    throw invalidRequest(`${field.replace(/^params\./, '')} must be a date YYYY-MM-DD or an ISO 8601 date-time`, { field });
  }
  return ms;
}

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today's date in a marketplace's zone (a JP day starts nine hours before the UTC one). */
export function todayIn(timeZone: string, now = Date.now()): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(now)).map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
}

/** First day of the period containing `ms`. */
export function periodStart(period: Period, ms: number): number {
  const d = new Date(ms);
  switch (period) {
    case 'DAY':
      return ms;
    case 'WEEK':
      return ms - d.getUTCDay() * DAY_MS;
    case 'MONTH':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'QUARTER':
      return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
  }
}

/** Last day of the period containing `ms`. */
export function periodEnd(period: Period, ms: number): number {
  const start = periodStart(period, ms);
  const d = new Date(start);
  switch (period) {
    case 'DAY':
      return start;
    case 'WEEK':
      return start + 6 * DAY_MS;
    case 'MONTH':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY_MS;
    case 'QUARTER':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1) - DAY_MS;
  }
}

/** The period the dates span exactly (one DAY, one Sunday–Saturday WEEK, one MONTH or one QUARTER), if any. */
export function inferPeriod(start: number, end: number): Period | undefined {
  return PERIODS.find((p) => periodStart(p, start) === start && periodEnd(p, start) === end);
}

/** Amazon's "two years ago" for report data, in calendar years. */
export function yearsBefore(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.getTime();
}

export const describePeriod = (p: Period) => (p === 'WEEK' ? 'WEEK (Sunday to Saturday)' : p);
