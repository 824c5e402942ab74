import Type from 'typebox';
import { invalidRequest } from '../errors.js';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { MarketplaceIdField, Money as MoneySchema } from './answers.js';
import { DAY_MS, formatInstant, parseInstant, resolveTimeZone, twoYearsBefore, type Instant } from './intervals.js';
import { money, num, record, records, roundAmount, str, type Json, type Money } from './read-helpers/json.js';

/**
 * Sales API v1 `getOrderMetrics` (docs/amazon.md#sales): 0.5 rps / burst 15. Amazon's range rules are
 * checked here first, so a mistake costs no quota and names the field. Only Amazon's aggregate
 * counters are copied into the answer — nothing that could identify a buyer ever leaves the broker.
 */
export const GRANULARITY = { HOUR: 'Hour', DAY: 'Day', WEEK: 'Week', MONTH: 'Month', YEAR: 'Year', TOTAL: 'Total' } as const;
type Granularity = keyof typeof GRANULARITY;

export interface OrderMetricsRequest {
  interval: string;
  granularity: (typeof GRANULARITY)[Granularity];
  granularityTimeZone?: string;
}

/** Validates the range against Amazon's rules and builds getOrderMetrics' query (pure; `now` injectable). */
export function orderMetricsRequest(
  params: { start_date: string; end_date: string; granularity: Granularity },
  marketplaceTimeZone: string,
  now = Date.now(),
): OrderMetricsRequest {
  const start = parseInstant(params.start_date, 'params.start_date');
  const end = parseInstant(params.end_date, 'params.end_date');
  if (end.ms <= start.ms) throw invalidRequest('end_date must be after start_date (the end is exclusive)', { field: 'params.end_date' });
  if (start.ms < twoYearsBefore(now)) {
    throw invalidRequest('start_date is more than two years ago; Amazon keeps order metrics for two years', { field: 'params.start_date' });
  }
  if (params.granularity === 'HOUR' && start.ms < now - 30 * DAY_MS) {
    throw invalidRequest('HOUR granularity only covers the last 30 days; use DAY or larger for older ranges', { field: 'params.start_date' });
  }
  const zone = resolveTimeZone([start, end], marketplaceTimeZone);
  // Above Hour Amazon requires a zone matching both offsets; for Hour it is optional.
  if (zone === undefined && params.granularity !== 'HOUR') throw zoneMismatch(start, end, marketplaceTimeZone);
  return {
    interval: `${formatInstant(start)}--${formatInstant(end)}`,
    granularity: GRANULARITY[params.granularity],
    ...(zone !== undefined ? { granularityTimeZone: zone } : {}),
  };
}

function zoneMismatch(start: Instant, end: Instant, marketplaceTimeZone: string) {
  const field = resolveTimeZone([start], marketplaceTimeZone) === undefined ? 'params.start_date' : 'params.end_date';
  return invalidRequest(
    'start_date and end_date must use offsets of one time zone (both Z, or offsets a single IANA zone has at those instants, e.g. -08:00 and -07:00 across a US DST change)',
    { field },
  );
}

interface Totals {
  order_count: number;
  unit_count: number;
  order_item_count: number;
  total_sales: Money;
}

/** One Amazon OrderMetricsInterval, aggregates only. */
export function metricRow(row: Json, currency: string) {
  return {
    interval: str(row.interval) ?? '',
    order_count: num(row.orderCount) ?? 0,
    unit_count: num(row.unitCount) ?? 0,
    order_item_count: num(row.orderItemCount) ?? 0,
    total_sales: money(row.totalSales, currency) ?? { amount: 0, currency_code: currency },
    average_unit_price: money(row.averageUnitPrice, currency) ?? { amount: 0, currency_code: currency },
  };
}

export function sumMetrics(rows: ReturnType<typeof metricRow>[], currency: string): Totals {
  const totals: Totals = { order_count: 0, unit_count: 0, order_item_count: 0, total_sales: { amount: 0, currency_code: rows[0]?.total_sales.currency_code ?? currency } };
  for (const row of rows) {
    totals.order_count += row.order_count;
    totals.unit_count += row.unit_count;
    totals.order_item_count += row.order_item_count;
    totals.total_sales.amount = roundAmount(totals.total_sales.amount + row.total_sales.amount);
  }
  return totals;
}

export default defineCapability({
  name: 'orders.summary',
  access: 'read',
  description:
    "Aggregated order metrics of the seller for a time range: per interval the order count, unit count, order item count, total sales and average unit price with currency, plus totals. Aggregates only, no buyer or order data. Use Z or offset date-times (e.g. 2026-01-01T00:00:00-08:00; offsets pick the time zone of the buckets) or plain dates (midnight UTC); the end is exclusive. HOUR works only within the last 30 days; at most two years back.",
  params: Params({
    start_date: Type.String({ minLength: 10, maxLength: 40, description: 'Start, inclusive: ISO 8601 date-time with Z or an offset (a plain YYYY-MM-DD means midnight UTC).' }),
    end_date: Type.String({ minLength: 10, maxLength: 40, description: 'End, exclusive: ISO 8601 date-time with Z or an offset (a plain YYYY-MM-DD means midnight UTC).' }),
    granularity: Type.Enum(Object.keys(GRANULARITY) as Granularity[], {
      description: 'Bucket size of the metrics; TOTAL gives one bucket for the whole range. Weeks start on Monday.',
    }),
    marketplace_id: MarketplaceIdParam,
  }, [{ start_date: `${SANDBOX.week.start}T00:00:00Z`, end_date: '2026-11-08T00:00:00Z', granularity: 'DAY' }, { start_date: '2026-11-01T00:00:00-07:00', end_date: '2026-11-08T00:00:00-08:00', granularity: 'TOTAL', marketplace_id: SANDBOX.marketplaceId }]),
  answer: Type.Object({
    marketplace_id: MarketplaceIdField,
    interval: Type.String({ description: "Amazon's start--end interval." }),
    granularity: Type.String(),
    granularity_time_zone: Type.Optional(Type.String({ description: 'The IANA zone of the buckets.' })),
    metrics: Type.Array(
      Type.Object({
        interval: Type.String(),
        order_count: Type.Integer(),
        unit_count: Type.Integer(),
        order_item_count: Type.Integer(),
        total_sales: MoneySchema,
        average_unit_price: MoneySchema,
      }),
    ),
    totals: Type.Object({ order_count: Type.Integer(), unit_count: Type.Integer(), order_item_count: Type.Integer(), total_sales: MoneySchema }),
  }),
  operations: ['getOrderMetrics'],
  async run(ctx) {
    const request = orderMetricsRequest(ctx.params as { start_date: string; end_date: string; granularity: Granularity }, ctx.marketplace.timeZone);
    const response = await ctx.amazon.call<Json>({
      operation: 'getOrderMetrics',
      method: 'GET',
      path: '/sales/v1/orderMetrics',
      query: { marketplaceIds: [ctx.marketplace.id], interval: request.interval, granularity: request.granularity, granularityTimeZone: request.granularityTimeZone },
    });
    const currency = ctx.marketplace.currency;
    const metrics = records(record(response.body).payload).map((row) => metricRow(row, currency));
    return {
      marketplace_id: ctx.marketplace.id,
      interval: request.interval,
      granularity: ctx.params.granularity,
      ...(request.granularityTimeZone ? { granularity_time_zone: request.granularityTimeZone } : {}),
      metrics,
      totals: sumMetrics(metrics, currency),
    };
  },
});
