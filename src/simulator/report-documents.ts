/**
 * Report document contents, shaped by the report schemas in Amazon's models repo
 * (schemas/reports/*.json) and filled from the seeded data.
 */
import { itemName, offerPrice, quantity } from './listing-view.js';
import { marketplace } from './marketplaces.js';
import { rng } from './random.js';
import { brandAnalytics, spec } from './report-brand-analytics.js';
import { sellerPerformance } from './report-performance.js';
import { isoDate, periodStart, periods, LISTINGS_REPORTS, SALES_AND_TRAFFIC, SELLER_PERFORMANCE, type Period } from './report-rules.js';
import { DAY, minorToNumber, sumRange, type Totals } from './sales-data.js';
import type { ReportRecord, SellerState } from './state.js';

const r2 = (n: number) => Math.round(n * 100) / 100;
const pct = (a: number, b: number) => (b > 0 ? Math.min(100, r2((a / b) * 100)) : 0);

function traffic(t: Totals, seed: string) {
  const r = rng(seed);
  const sessions = Math.max(t.orders, Math.round(t.orders * (7 + 6 * r())));
  const mobileSessions = Math.round(sessions * (0.55 + 0.2 * r()));
  const pageViews = Math.round(sessions * (1.4 + 0.5 * r()));
  const mobileViews = Math.round(pageViews * (0.55 + 0.2 * r()));
  return { sessions, mobileSessions, pageViews, mobileViews, buyBox: r2(88 + 11 * r()) };
}

function salesAndTraffic(report: ReportRecord, seller: SellerState, start: number, end: number) {
  const mp = report.marketplaceIds[0] as string;
  const currency = marketplace(mp)?.defaultCurrencyCode ?? 'USD';
  const options = { dateGranularity: report.reportOptions.dateGranularity ?? 'DAY', asinGranularity: report.reportOptions.asinGranularity ?? 'PARENT' };
  const money = (minor: number) => ({ amount: minorToNumber(minor, currency), currencyCode: currency });
  const g = options.dateGranularity as Period;
  const buckets = g === 'DAY' ? periods('DAY', start, end) : periods(g, periodStart(g, start), end);
  const total: Totals = { orders: 0, items: 0, units: 0, salesMinor: 0 };
  const byDate = buckets.map(([s, e]) => {
    const t = sumRange(report.sellerId, mp, s, e + DAY);
    total.orders += t.orders;
    total.items += t.items;
    total.units += t.units;
    total.salesMinor += t.salesMinor;
    const tr = traffic(t, `${report.sellerId}:${mp}:${s}`);
    const refunded = Math.floor(t.units * 0.03);
    return {
      date: isoDate(s),
      salesByDate: {
        orderedProductSales: money(t.salesMinor),
        unitsOrdered: t.units,
        totalOrderItems: t.items,
        averageSalesPerOrderItem: money(t.items > 0 ? t.salesMinor / t.items : 0),
        averageUnitsPerOrderItem: t.items > 0 ? r2(t.units / t.items) : 0,
        averageSellingPrice: money(t.units > 0 ? t.salesMinor / t.units : 0),
        unitsRefunded: refunded,
        refundRate: pct(refunded, t.units),
        claimsGranted: 0,
        claimsAmount: money(0),
        shippedProductSales: money(Math.round(t.salesMinor * 0.97)),
        unitsShipped: Math.round(t.units * 0.97),
        ordersShipped: Math.round(t.orders * 0.97),
      },
      trafficByDate: {
        browserPageViews: tr.pageViews - tr.mobileViews,
        mobileAppPageViews: tr.mobileViews,
        pageViews: tr.pageViews,
        browserSessions: tr.sessions - tr.mobileSessions,
        mobileAppSessions: tr.mobileSessions,
        sessions: tr.sessions,
        buyBoxPercentage: tr.buyBox,
        orderItemSessionPercentage: pct(t.items, tr.sessions),
        unitSessionPercentage: pct(t.units, tr.sessions),
        averageOfferCount: 1,
        averageParentItems: seller.listings.size,
        feedbackReceived: Math.floor(t.orders * 0.02),
        negativeFeedbackReceived: 0,
        receivedNegativeFeedbackRate: 0,
      },
    };
  });
  const listings = [...seller.listings.values()];
  const weight = listings.reduce((s, l) => s + l.salesWeight, 0) || 1;
  const allSessions = Math.max(1, byDate.reduce((s, d) => s + d.trafficByDate.sessions, 0));
  const allViews = Math.max(1, byDate.reduce((s, d) => s + d.trafficByDate.pageViews, 0));
  const byAsin = listings.map((l) => {
    const f = l.salesWeight / weight;
    const units = Math.round(total.units * f);
    const tr = traffic({ ...total, orders: Math.round(total.orders * f) }, `${l.sku}:${start}`);
    const row: Record<string, unknown> = { parentAsin: l.asin };
    if (options.asinGranularity !== 'PARENT') row.childAsin = l.asin;
    if (options.asinGranularity === 'SKU') row.sku = l.sku;
    row.salesByAsin = { unitsOrdered: units, orderedProductSales: money(Math.round(total.salesMinor * f)), totalOrderItems: Math.round(total.items * f) };
    row.trafficByAsin = {
      browserSessions: tr.sessions - tr.mobileSessions,
      mobileAppSessions: tr.mobileSessions,
      sessions: tr.sessions,
      browserSessionPercentage: pct(tr.sessions - tr.mobileSessions, allSessions),
      mobileAppSessionPercentage: pct(tr.mobileSessions, allSessions),
      sessionPercentage: pct(tr.sessions, allSessions),
      browserPageViews: tr.pageViews - tr.mobileViews,
      mobileAppPageViews: tr.mobileViews,
      pageViews: tr.pageViews,
      browserPageViewsPercentage: pct(tr.pageViews - tr.mobileViews, allViews),
      mobileAppPageViewsPercentage: pct(tr.mobileViews, allViews),
      pageViewsPercentage: pct(tr.pageViews, allViews),
      buyBoxPercentage: tr.buyBox,
      unitSessionPercentage: pct(units, tr.sessions),
    };
    return row;
  });
  return { reportSpecification: spec(report, start, end, options), salesAndTrafficByDate: byDate, salesAndTrafficByAsin: byAsin };
}

function listingsTsv(report: ReportRecord, seller: SellerState): string {
  const mp = report.marketplaceIds[0] as string;
  const header = ['item-name', 'listing-id', 'seller-sku', 'price', 'quantity', 'open-date', 'product-id-type', 'product-id', 'fulfillment-channel', 'status', 'asin1'];
  const rows = [...seller.listings.values()].map((l) =>
    [itemName(l, mp) ?? '', l.asin + 'L', l.sku, offerPrice(l, mp)?.amount ?? '', String(quantity(l)), l.createdDate, '1', l.asin, 'DEFAULT', quantity(l) > 0 ? 'Active' : 'Inactive', l.asin].join('\t'),
  );
  return [header.join('\t'), ...rows].join('\n') + '\n';
}

/** The document of a DONE report: content and its content type. */
export function buildReportDocument(report: ReportRecord, seller: SellerState, start: number, end: number, now = Date.now()): { content: string; contentType: string } {
  if (LISTINGS_REPORTS.includes(report.reportType)) return { content: listingsTsv(report, seller), contentType: 'text/tab-separated-values' };
  let doc: unknown;
  if (report.reportType === SALES_AND_TRAFFIC) doc = salesAndTraffic(report, seller, start, end);
  else if (report.reportType === SELLER_PERFORMANCE) doc = sellerPerformance(report, now);
  else doc = brandAnalytics(report, seller, start, end);
  return { content: JSON.stringify(doc), contentType: 'application/json' };
}

