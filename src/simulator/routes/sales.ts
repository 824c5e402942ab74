/**
 * Sales API v1 getOrderMetrics ([M] sales.json): interval `start--end` in absolute time, granularity
 * Hour (≤ 30 days back) … Total (≤ 2 years back), granularityTimeZone required above Hour and aligned
 * with the interval's offset. Aggregates only.
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../errors.js';
import { marketplace } from '../marketplaces.js';
import { registerOperation, requireMarketplaceIds, type OpRequest } from '../operation.js';
import { DAY, HOUR, formatMinor, scaleTotals, sumRange, twoYearsAgo } from '../sales-data.js';
import type { Host, Sim } from '../sim.js';
import { formatInstant, isValidZone, localParts, offsetMinutes, zonedTime } from '../tz.js';
import { enumOne } from './listings.js';

const GRANULARITIES = ['Hour', 'Day', 'Week', 'Month', 'Year', 'Total'] as const;
type Granularity = (typeof GRANULARITIES)[number];

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

interface Instant {
  ms: number;
  /** Offset in minutes; null for Z notation. */
  offset: number | null;
}

function parseInstant(text: string): Instant | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) return undefined;
  const z = m[7] as string;
  if (z === 'Z') return { ms, offset: null };
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return { ms, offset: sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) };
}

export function parseInterval(raw: string | undefined): { start: Instant; end: Instant } {
  if (!raw) throw invalidInput('Missing required parameter: interval.', 'interval is required, e.g. 2018-09-01T00:00:00-07:00--2018-09-04T00:00:00-07:00.');
  const parts = raw.split('--');
  const start = parts.length === 2 ? parseInstant(parts[0] as string) : undefined;
  const end = parts.length === 2 ? parseInstant(parts[1] as string) : undefined;
  if (!start || !end) {
    throw invalidInput(
      `Invalid interval: ${raw}.`,
      'The interval must be two ISO 8601 date-times in absolute time (Z or offset notation) separated by "--".',
    );
  }
  if (end.ms <= start.ms) throw invalidInput(`Invalid interval: ${raw}.`, 'The end of the interval must be after its start.');
  return { start, end };
}

function nextBoundary(g: Granularity, zone: string, t: number, firstDow: number): number {
  if (g === 'Hour') {
    const off = offsetMinutes(zone, t) * 60_000;
    return Math.floor((t + off) / HOUR) * HOUR - off + HOUR;
  }
  const p = localParts(zone, t);
  switch (g) {
    case 'Day':
      return zonedTime(zone, p.year, p.month, p.day + 1);
    case 'Week':
      return zonedTime(zone, p.year, p.month, p.day + ((firstDow - p.weekday + 7) % 7 || 7));
    case 'Month':
      return zonedTime(zone, p.year, p.month + 1, 1);
    default:
      return zonedTime(zone, p.year + 1, 1, 1);
  }
}

function orderMetrics(op: OpRequest) {
  const [mp] = requireMarketplaceIds(op, { max: 1 }) as [string];
  const granularityRaw = op.query.granularity;
  if (!granularityRaw) throw invalidInput('Missing required parameter: granularity.');
  const granularity = enumOne(op, 'granularity', GRANULARITIES) as Granularity;
  const { start, end } = parseInterval(op.query.interval);
  const zone = op.query.granularityTimeZone;
  if (zone === undefined && granularity !== 'Hour') {
    throw invalidInput(`granularityTimeZone is required when granularity is ${granularity}.`, 'Specify an IANA time zone that matches the offset of the interval.');
  }
  if (zone !== undefined) {
    if (!isValidZone(zone)) throw invalidInput(`Invalid granularityTimeZone: ${zone}.`, 'granularityTimeZone must be an IANA time zone.');
    for (const i of [start, end]) {
      const expected = i.offset ?? 0;
      if (i.offset === null ? !['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT'].includes(zone) : offsetMinutes(zone, i.ms) !== expected) {
        throw invalidInput(
          `granularityTimeZone ${zone} does not align with the offset of the interval.`,
          'With Z notation granularityTimeZone must be UTC; with offset notation it must be a zone with that offset.',
        );
      }
    }
  }
  const now = Date.now();
  if (granularity === 'Hour' && start.ms < now - 30 * DAY - HOUR) {
    throw invalidInput('Hour granularity is only supported for intervals within the last 30 days.', 'Use Day or a larger granularity for older intervals.');
  }
  if (start.ms < twoYearsAgo(now)) {
    throw invalidInput('The interval must be within the last 2 years.', 'Order metrics are available for at most 2 years from now.');
  }
  const buyerType = enumOne(op, 'buyerType', ['B2B', 'B2C', 'All'], 'All');
  const network = enumOne(op, 'fulfillmentNetwork', ['MFN', 'AFN']);
  const firstDay = enumOne(op, 'firstDayOfWeek', ['Monday', 'Sunday'], 'Monday');
  enumOne(op, 'amazonProgram', ['AmazonHaul']);
  if (op.query.asin !== undefined && op.query.sku !== undefined) throw invalidInput('Specifying both ASIN and SKU is not supported.', 'Use either asin or sku.');

  let fraction = buyerType === 'B2B' ? 0.08 : buyerType === 'B2C' ? 0.92 : 1;
  if (network === 'AFN') fraction *= 0.65;
  if (network === 'MFN') fraction *= 0.35;
  if (op.query.amazonProgram) fraction *= 0;
  const listings = [...op.seller.listings.values()];
  if (op.query.asin !== undefined || op.query.sku !== undefined) {
    const total = listings.reduce((s, l) => s + l.salesWeight, 0);
    const match = listings.filter((l) => l.asin === op.query.asin || l.sku === op.query.sku);
    fraction *= match.reduce((s, l) => s + l.salesWeight, 0) / (total || 1);
  }

  const currency = marketplace(mp)?.defaultCurrencyCode ?? 'USD';
  const tz = zone ?? (start.offset === null ? 'UTC' : undefined);
  const fixedOffset = start.offset ?? 0;
  const offsetAt = (t: number) => (tz ? offsetMinutes(tz, t) : fixedOffset);
  const zulu = start.offset === null;
  const buckets: [number, number][] = [];
  if (granularity === 'Total') buckets.push([start.ms, end.ms]);
  else {
    const zoneForBoundaries = tz ?? 'UTC';
    let cur = start.ms;
    while (cur < end.ms && buckets.length < 20_000) {
      const next =
        granularity === 'Hour' && !tz
          ? Math.floor((cur + fixedOffset * 60_000) / HOUR) * HOUR - fixedOffset * 60_000 + HOUR
          : nextBoundary(granularity, zoneForBoundaries, cur, firstDay === 'Sunday' ? 0 : 1);
      buckets.push([cur, Math.min(next, end.ms)]);
      cur = Math.min(next, end.ms);
    }
  }
  return buckets.map(([a, b]) => {
    const t = scaleTotals(sumRange(op.sellerId, mp, a, b, now), fraction);
    return {
      interval: `${formatInstant(a, offsetAt(a), zulu)}--${formatInstant(b, offsetAt(b), zulu)}`,
      unitCount: t.units,
      orderItemCount: t.items,
      orderCount: t.orders,
      averageUnitPrice: { amount: formatMinor(t.units > 0 ? t.salesMinor / t.units : 0, currency), currencyCode: currency },
      totalSales: { amount: formatMinor(t.salesMinor, currency), currencyCode: currency },
    };
  });
}

export function registerSales(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'GET', url: '/sales/v1/orderMetrics', operationId: 'getOrderMetrics' }, (op) => ({
    status: 200,
    body: { payload: orderMetrics(op) },
  }));
}
