import { compact, num, record, records, roundAmount, str, type Json, type Money } from '../read-helpers/json.js';
import { isoDate, periodStart } from './dates.js';
import type { RowKeeper } from '../read-helpers/json-stream.js';
import { lowestRanked } from '../read-helpers/row-keepers.js';

/**
 * `insights_summary`: the broker's digest of GET_SALES_AND_TRAFFIC_REPORT (daily rows, child ASINs)
 * — what an agent wants first, in a few kilobytes: totals, a trend (daily up to 31 days, else
 * Sunday-to-Saturday weeks), and the top 10 ASINs by ordered product sales. Percentages are 0–100,
 * like Amazon's; conversion is units per session (Amazon's unit session percentage).
 */
export const TOP_ASINS = 10;
const MAX_DAILY_ROWS = 31;

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);
const amountOf = (value: unknown) => num(record(value).amount) ?? 0;

interface Bucket {
  date: string;
  sales: number;
  units: number;
  orderItems: number;
  sessions: number;
  pageViews: number;
}

function dayRow(row: Json): Bucket & { buyBoxViews: number; refunded: number; ordersShipped?: number; currency?: string } {
  const sales = record(row.salesByDate);
  const traffic = record(row.trafficByDate);
  const pageViews = num(traffic.pageViews) ?? 0;
  return {
    date: str(row.date) ?? '',
    sales: amountOf(sales.orderedProductSales),
    currency: str(record(sales.orderedProductSales).currencyCode),
    units: num(sales.unitsOrdered) ?? 0,
    orderItems: num(sales.totalOrderItems) ?? 0,
    refunded: num(sales.unitsRefunded) ?? 0,
    ordersShipped: num(sales.ordersShipped),
    sessions: num(traffic.sessions) ?? 0,
    pageViews,
    // Buy box percentage is a share of page views: weight it by them to total it.
    buyBoxViews: ((num(traffic.buyBoxPercentage) ?? 0) * pageViews) / 100,
  };
}

function trendRow(b: Bucket) {
  return { date: b.date, ordered_product_sales: roundAmount(b.sales, 2), units_ordered: b.units, total_order_items: b.orderItems, sessions: b.sessions, page_views: b.pageViews, unit_session_percentage: pct(b.units, b.sessions) };
}

function trend(days: Bucket[]): { granularity: 'DAY' | 'WEEK'; rows: ReturnType<typeof trendRow>[] } {
  if (days.length <= MAX_DAILY_ROWS) return { granularity: 'DAY', rows: days.map(trendRow) };
  const weeks = new Map<string, Bucket>();
  for (const d of days) {
    const ms = Date.parse(`${d.date}T00:00:00Z`);
    const key = Number.isNaN(ms) ? d.date : isoDate(periodStart('WEEK', ms));
    const w = weeks.get(key) ?? { date: key, sales: 0, units: 0, orderItems: 0, sessions: 0, pageViews: 0 };
    w.sales += d.sales;
    w.units += d.units;
    w.orderItems += d.orderItems;
    w.sessions += d.sessions;
    w.pageViews += d.pageViews;
    weeks.set(key, w);
  }
  return { granularity: 'WEEK', rows: [...weeks.values()].map(trendRow) };
}

function asinRow(row: Json, currency: string, totalSales: number) {
  const sales = record(row.salesByAsin);
  const traffic = record(row.trafficByAsin);
  const amount = amountOf(sales.orderedProductSales);
  const units = num(sales.unitsOrdered) ?? 0;
  const sessions = num(traffic.sessions) ?? 0;
  return compact({
    asin: str(row.childAsin) ?? str(row.parentAsin) ?? '',
    parent_asin: str(row.parentAsin),
    sku: str(row.sku),
    ordered_product_sales: { amount: roundAmount(amount, 2), currency_code: str(record(sales.orderedProductSales).currencyCode) ?? currency } as Money,
    units_ordered: units,
    total_order_items: num(sales.totalOrderItems) ?? 0,
    sessions,
    page_views: num(traffic.pageViews) ?? 0,
    unit_session_percentage: num(traffic.unitSessionPercentage) ?? pct(units, sessions),
    buy_box_percentage: num(traffic.buyBoxPercentage),
    share_of_sales_percentage: pct(amount, totalSales),
  });
}

/** While the report streams, the top ASINs by ordered product sales are kept, and all ASINs' sales summed. */
export function topAsinKeeper(): RowKeeper & { totalSales(): number } {
  let total = 0;
  const top = lowestRanked(TOP_ASINS, (row) => -amountOf(record(record(row).salesByAsin).orderedProductSales));
  return {
    add(row) {
      total += amountOf(record(record(row).salesByAsin).orderedProductSales);
      top.add(row);
    },
    rows: () => top.rows(),
    totalSales: () => total,
  };
}

/**
 * The digest of a sales and traffic document. `asins` gives the count and total sales of every
 * ASIN row when the document holds only the top ones (see topAsinKeeper).
 */
export function insightsDigest(document: unknown, fallback: { currency: string; startDate?: string; endDate?: string }, asins?: { count: number; totalSales: number }): Json {
  const doc = record(document);
  const specification = record(doc.reportSpecification);
  const days = records(doc.salesAndTrafficByDate).map(dayRow);
  const currency = days.find((d) => d.currency)?.currency ?? fallback.currency;
  const sum = (pick: (d: (typeof days)[number]) => number) => days.reduce((total, d) => total + pick(d), 0);
  const sales = sum((d) => d.sales);
  const units = sum((d) => d.units);
  const orderItems = sum((d) => d.orderItems);
  const sessions = sum((d) => d.sessions);
  const pageViews = sum((d) => d.pageViews);
  const refunded = sum((d) => d.refunded);
  const shipped = days.some((d) => d.ordersShipped !== undefined) ? sum((d) => d.ordersShipped ?? 0) : undefined;
  const byAsin = records(doc.salesAndTrafficByAsin);
  const asinTotalSales = asins?.totalSales ?? byAsin.reduce((total, row) => total + amountOf(record(row.salesByAsin).orderedProductSales), 0);
  const top = byAsin
    .map((row) => ({ row, sales: amountOf(record(row.salesByAsin).orderedProductSales) }))
    .sort((a, b) => b.sales - a.sales)
    .slice(0, TOP_ASINS)
    .map(({ row }) => asinRow(row, currency, asinTotalSales));
  const { granularity, rows } = trend(days);
  return {
    date_range: compact({
      start_date: (str(specification.dataStartTime) ?? fallback.startDate)?.slice(0, 10),
      end_date: (str(specification.dataEndTime) ?? fallback.endDate)?.slice(0, 10),
      days: days.length,
    }),
    currency_code: currency,
    totals: compact({
      ordered_product_sales: { amount: roundAmount(sales, 2), currency_code: currency },
      units_ordered: units,
      total_order_items: orderItems,
      orders_shipped: shipped,
      average_selling_price: units > 0 ? { amount: roundAmount(sales / units, 2), currency_code: currency } : undefined,
      units_refunded: refunded,
      refund_rate_percentage: pct(refunded, units),
      sessions,
      page_views: pageViews,
      unit_session_percentage: pct(units, sessions),
      order_item_session_percentage: pct(orderItems, sessions),
      buy_box_percentage: pageViews > 0 ? pct(sum((d) => d.buyBoxViews), pageViews) : undefined,
    }),
    trend_granularity: granularity,
    trend: rows,
    top_asins: top,
    asin_count: asins?.count ?? byAsin.length,
  };
}
