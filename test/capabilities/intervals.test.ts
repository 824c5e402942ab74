import { describe, expect, it } from 'vitest';
import { fixedZone, formatInstant, parseInstant, resolveTimeZone, zoneOffsetMinutes } from '../../src/capabilities/intervals.js';
import { metricRow, orderMetricsRequest, sumMetrics } from '../../src/capabilities/orders-summary.js';
import { invalidField } from '../helpers/envelope.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('parseInstant / formatInstant', () => {
  it('reads Z, offsets (with or without colon), fractions and plain dates', () => {
    expect(parseInstant('2026-01-01T00:00:00Z', 'params.start_date')).toEqual({ ms: Date.parse('2026-01-01T00:00:00Z'), offsetMinutes: 0, zulu: true });
    expect(parseInstant('2026-01-01T00:00:00-08:00', 'f')).toEqual({ ms: Date.parse('2026-01-01T08:00:00Z'), offsetMinutes: -480, zulu: false });
    expect(parseInstant('2026-01-01T05:30+0530', 'f')).toEqual({ ms: Date.parse('2026-01-01T00:00:00Z'), offsetMinutes: 330, zulu: false });
    expect(parseInstant('2026-01-01', 'f')).toEqual({ ms: Date.parse('2026-01-01T00:00:00Z'), offsetMinutes: 0, zulu: true });
    expect(parseInstant('2026-01-01T00:00:00.250Z', 'f').ms).toBe(Date.parse('2026-01-01T00:00:00.250Z'));
  });

  it('refuses local times without a zone, invalid dates and garbage, naming the field', () => {
    expect(invalidField(() => parseInstant('2026-01-01T00:00:00', 'params.start_date'))).toBe('params.start_date');
    expect(invalidField(() => parseInstant('2026-02-30T00:00:00Z', 'params.end_date'))).toBe('params.end_date');
    expect(invalidField(() => parseInstant('2026-01-01T24:00:00Z', 'params.end_date'))).toBe('params.end_date');
    expect(invalidField(() => parseInstant('yesterday', 'params.start_date'))).toBe('params.start_date');
    expect(invalidField(() => parseInstant('2026-01-01T00:00:00+15:00', 'params.start_date'))).toBe('params.start_date');
  });

  it('writes the instant back in its own notation, seconds precision', () => {
    expect(formatInstant(parseInstant('2026-01-01T00:00-08:00', 'f'))).toBe('2026-01-01T00:00:00-08:00');
    expect(formatInstant(parseInstant('2026-01-01', 'f'))).toBe('2026-01-01T00:00:00Z');
    expect(formatInstant(parseInstant('2026-01-01T10:00:00+0530', 'f'))).toBe('2026-01-01T10:00:00+05:30');
    expect(formatInstant(parseInstant('2026-01-01T10:00:00-03:30', 'f'))).toBe('2026-01-01T10:00:00-03:30');
  });
});

describe('time zones', () => {
  it('computes zone offsets with DST', () => {
    expect(zoneOffsetMinutes('America/Los_Angeles', Date.parse('2026-01-15T12:00:00Z'))).toBe(-480);
    expect(zoneOffsetMinutes('America/Los_Angeles', Date.parse('2026-07-15T12:00:00Z'))).toBe(-420);
    expect(zoneOffsetMinutes('Asia/Tokyo', Date.parse('2026-07-15T12:00:00Z'))).toBe(540);
    expect(zoneOffsetMinutes('Etc/GMT+5', Date.parse('2026-07-15T12:00:00Z'))).toBe(-300);
  });

  it('maps whole-hour offsets to POSIX-inverted Etc zones', () => {
    expect(fixedZone(-300)).toBe('Etc/GMT+5');
    expect(fixedZone(540)).toBe('Etc/GMT-9');
    expect(fixedZone(0)).toBe('UTC');
    expect(fixedZone(330)).toBeUndefined();
  });

  it('resolves UTC for Z, the marketplace zone when it fits (also across DST), else a fixed or any matching zone', () => {
    const i = (text: string) => parseInstant(text, 'f');
    expect(resolveTimeZone([i('2026-01-01T00:00:00Z'), i('2026-02-01T00:00:00Z')], 'America/Los_Angeles')).toBe('UTC');
    expect(resolveTimeZone([i('2026-01-01T00:00:00-08:00'), i('2026-02-01T00:00:00-08:00')], 'America/Los_Angeles')).toBe('America/Los_Angeles');
    expect(resolveTimeZone([i('2026-03-01T00:00:00-08:00'), i('2026-04-01T00:00:00-07:00')], 'America/Los_Angeles')).toBe('America/Los_Angeles');
    expect(resolveTimeZone([i('2026-01-01T00:00:00+09:00'), i('2026-02-01T00:00:00+09:00')], 'America/Los_Angeles')).toBe('Etc/GMT-9');
    expect(resolveTimeZone([i('2026-01-01T00:00:00+00:00'), i('2026-02-01T00:00:00+00:00')], 'Europe/London')).toBe('Europe/London');
    const kolkata = resolveTimeZone([i('2026-01-01T00:00:00+05:30'), i('2026-02-01T00:00:00+05:30')], 'America/Los_Angeles');
    expect(kolkata).toBeDefined();
    expect(zoneOffsetMinutes(kolkata as string, Date.parse('2026-01-15T00:00:00Z'))).toBe(330);
    // Another marketplace, offsets of a US DST change: some IANA zone has exactly those offsets then.
    const dst = resolveTimeZone([i('2026-03-01T00:00:00-05:00'), i('2026-04-01T00:00:00-04:00')], 'Europe/Berlin');
    expect(dst).toBeDefined();
    // Z with a non-zero offset, or offsets no zone has at those instants: none.
    expect(resolveTimeZone([i('2026-01-01T00:00:00Z'), i('2026-02-01T00:00:00-08:00')], 'America/Los_Angeles')).toBeUndefined();
    expect(resolveTimeZone([i('2026-01-01T00:00:00-08:00'), i('2026-02-01T00:00:00+03:00')], 'America/Los_Angeles')).toBeUndefined();
  });
});

describe('orderMetricsRequest (Amazon range rules, checked before calling)', () => {
  const req = (start_date: string, end_date: string, granularity: 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR' | 'TOTAL' = 'DAY', zone = 'America/Los_Angeles') =>
    orderMetricsRequest({ start_date, end_date, granularity }, zone, NOW);

  it('maps granularity and builds the interval', () => {
    const names = { HOUR: 'Hour', DAY: 'Day', WEEK: 'Week', MONTH: 'Month', YEAR: 'Year', TOTAL: 'Total' } as const;
    for (const [ours, amazons] of Object.entries(names)) {
      expect(req('2026-11-20T00:00:00Z', '2026-11-25T00:00:00Z', ours as keyof typeof names)).toEqual({
        interval: '2026-11-20T00:00:00Z--2026-11-25T00:00:00Z',
        granularity: amazons,
        granularityTimeZone: 'UTC',
      });
    }
  });

  it('refuses an end not after the start, HOUR older than 30 days and ranges older than two years', () => {
    expect(invalidField(() => req('2026-11-20T00:00:00Z', '2026-11-20T00:00:00Z'))).toBe('params.end_date');
    expect(invalidField(() => req('2026-11-20T00:00:00Z', '2026-11-19T00:00:00Z'))).toBe('params.end_date');
    expect(invalidField(() => req('2026-10-20T00:00:00Z', '2026-10-21T00:00:00Z', 'HOUR'))).toBe('params.start_date');
    expect(req('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', 'HOUR').granularity).toBe('Hour');
    expect(invalidField(() => req('2024-11-25T00:00:00Z', '2024-12-01T00:00:00Z'))).toBe('params.start_date');
    expect(req('2024-11-27T00:00:00Z', '2024-12-01T00:00:00Z').granularity).toBe('Day');
  });

  it('refuses offsets no single zone explains (above Hour), naming the offending field', () => {
    expect(invalidField(() => req('2026-11-01T00:00:00Z', '2026-11-02T00:00:00-08:00'))).toBe('params.end_date');
    expect(invalidField(() => req('2026-11-01T00:00:00-08:00', '2026-11-02T00:00:00+03:00'))).toBe('params.end_date');
    // Hour does not need granularityTimeZone: no zone is sent then.
    expect(req('2026-11-20T00:00:00Z', '2026-11-21T00:00:00-08:00', 'HOUR')).toEqual({ interval: '2026-11-20T00:00:00Z--2026-11-21T00:00:00-08:00', granularity: 'Hour' });
  });
});

describe('metric rows', () => {
  it('keeps aggregates only, parses decimal strings and sums without float noise', () => {
    const rows = [
      { interval: 'a--b', unitCount: 2, orderItemCount: 2, orderCount: 1, averageUnitPrice: { amount: '10.05', currencyCode: 'USD' }, totalSales: { amount: '20.10', currencyCode: 'USD' }, buyerEmail: 'x@example.com' },
      { interval: 'b--c', unitCount: 1, orderItemCount: 1, orderCount: 1, averageUnitPrice: { amount: '0.2', currencyCode: 'USD' }, totalSales: { amount: '0.2', currencyCode: 'USD' } },
    ].map((r) => metricRow(r, 'USD'));
    expect(rows[0]).toEqual({ interval: 'a--b', order_count: 1, unit_count: 2, order_item_count: 2, total_sales: { amount: 20.1, currency_code: 'USD' }, average_unit_price: { amount: 10.05, currency_code: 'USD' } });
    expect(sumMetrics(rows, 'USD')).toEqual({ order_count: 2, unit_count: 3, order_item_count: 3, total_sales: { amount: 20.3, currency_code: 'USD' } });
  });
});
