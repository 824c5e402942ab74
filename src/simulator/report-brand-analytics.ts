/** Brand Analytics report documents (schemas/reports/sellingPartner*Report.json). */
import type { ListingRecord } from './catalog-data.js';
import { itemName, offerPrice } from './listing-view.js';
import { marketplace } from './marketplaces.js';
import { code, int, rng } from './random.js';
import { isoDate, periods, MARKET_BASKET, REPEAT_PURCHASE, SEARCH_QUERY_PERFORMANCE, SEARCH_TERMS, type Period } from './report-rules.js';
import type { ReportRecord, SellerState } from './state.js';

const r2 = (n: number) => Math.round(n * 100) / 100;
const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function spec(report: ReportRecord, start: number, end: number, options: Record<string, string>) {
  return { reportType: report.reportType, reportOptions: options, dataStartTime: isoDate(start), dataEndTime: isoDate(end), marketplaceIds: report.marketplaceIds };
}

const QUERY_WORDS = ['for women', 'for men', 'gift', 'large', 'set', 'best', 'stainless', 'kids', 'travel', 'eco friendly'];

function searchQueries(l: ListingRecord, mp: string): string[] {
  const base = (itemName(l, mp) ?? l.catalog.itemName).split(',')[0]!.replace(l.brand, '').trim().toLowerCase();
  const noun = base.split(' ').slice(-2).join(' ');
  return [noun, `${noun} ${QUERY_WORDS[l.sku.length % QUERY_WORDS.length]}`, `${l.brand.toLowerCase()} ${noun}`, `${noun} ${QUERY_WORDS[(l.sku.length + 3) % QUERY_WORDS.length]}`];
}

export function brandAnalytics(report: ReportRecord, seller: SellerState, start: number, end: number): Record<string, unknown> {
  const mp = report.marketplaceIds[0] as string;
  const currency = marketplace(mp)?.defaultCurrencyCode ?? 'USD';
  const period = report.reportOptions.reportPeriod as Period;
  const listings = [...seller.listings.values()];
  const r = rng(`${report.sellerId}:${report.reportType}:${start}:${end}`);
  const price = (l: ListingRecord) => Number(offerPrice(l, mp)?.amount ?? 20);
  const money = (amount: number) => ({ amount: r2(amount), currencyCode: currency });
  const head = { reportSpecification: spec(report, start, end, { ...report.reportOptions }) };
  const top = listings.slice(0, 10);
  switch (report.reportType) {
    case SEARCH_TERMS: {
      const rows = top.flatMap((l, i) =>
        searchQueries(l, mp).slice(0, 2).flatMap((term, j) => {
          const clicked = [l, ...listings.filter((o) => o !== l).slice(0, 2)];
          const rank = 100 + i * 37 + j * 11 + int(r, 0, 30);
          return clicked.map((c, k) => ({
            departmentName: marketplace(mp)?.name ?? 'Amazon.com',
            searchTerm: term,
            searchFrequencyRank: rank,
            clickedAsin: k === 0 ? c.asin : 'B0' + code(r, 8),
            clickShareRank: k + 1,
            clickShare: r4(0.3 / (k + 1) + 0.05 * r()),
            conversionShare: r4(0.25 / (k + 1) + 0.05 * r()),
          }));
        }),
      );
      return { ...head, dataByDepartmentAndSearchTerm: rows };
    }
    case MARKET_BASKET:
      return {
        ...head,
        dataByAsin: periods(period, start, end).flatMap(([s, e]) =>
          top.flatMap((l, i) =>
            [1, 2, 3].map((rank) => ({
              startDate: isoDate(s),
              endDate: isoDate(e),
              asin: l.asin,
              purchasedWithAsin: (listings[(i + rank * 3) % listings.length] as ListingRecord).asin,
              purchasedWithRank: rank,
              combinationPct: r4(0.12 / rank + 0.03 * r()),
            })),
          ),
        ),
      };
    case REPEAT_PURCHASE:
      return {
        ...head,
        dataByAsin: periods(period, start, end).flatMap(([s, e]) =>
          top.map((l) => {
            const orders = int(r, 20, 400);
            const repeatPct = r4(0.05 + 0.2 * r());
            return {
              startDate: isoDate(s),
              endDate: isoDate(e),
              asin: l.asin,
              orders,
              uniqueCustomers: Math.max(1, Math.round(orders * (0.85 + 0.1 * r()))),
              repeatCustomersPctTotal: repeatPct,
              repeatPurchaseRevenue: money(orders * repeatPct * price(l)),
              repeatPurchaseRevenuePctTotal: r4(repeatPct * (0.9 + 0.2 * r())),
            };
          }),
        ),
      };
    case SEARCH_QUERY_PERFORMANCE: {
      const asins = (report.reportOptions.asin ?? '').split(/\s+/).filter(Boolean);
      return {
        ...head,
        dataByAsin: asins.flatMap((asin) => {
          const l = listings.find((x) => x.asin === asin);
          if (!l) return [];
          return searchQueries(l, mp).map((q, i) => {
            const impressions = int(r, 5_000, 80_000);
            const clicks = Math.round(impressions * (0.02 + 0.03 * r()));
            const carts = Math.round(clicks * (0.1 + 0.1 * r()));
            const purchases = Math.round(carts * (0.3 + 0.3 * r()));
            const share = 0.05 + 0.2 * r();
            const p = price(l);
            return {
              startDate: isoDate(start),
              endDate: isoDate(end),
              asin,
              searchQueryData: { searchQuery: q, searchQueryScore: i + 1, searchQueryVolume: Math.round(impressions / 8) },
              impressionData: { totalQueryImpressionCount: impressions, asinImpressionCount: Math.round(impressions * share), asinImpressionShare: r4(share) },
              clickData: {
                totalClickCount: clicks,
                totalClickRate: r4(clicks / impressions),
                asinClickCount: Math.round(clicks * share),
                asinClickShare: r4(share),
                totalMedianClickPrice: money(p * 1.1),
                asinMedianClickPrice: money(p),
                totalSameDayShippingClickCount: Math.round(clicks * 0.1),
                totalOneDayShippingClickCount: Math.round(clicks * 0.3),
                totalTwoDayShippingClickCount: Math.round(clicks * 0.4),
              },
              cartAddData: {
                totalCartAddCount: carts,
                totalCartAddRate: r4(carts / impressions),
                asinCartAddCount: Math.round(carts * share),
                asinCartAddShare: r4(share),
                totalMedianCartAddPrice: money(p * 1.05),
                asinMedianCartAddPrice: money(p),
                totalSameDayShippingCartAddCount: Math.round(carts * 0.1),
                totalOneDayShippingCartAddCount: Math.round(carts * 0.3),
                totalTwoDayShippingCartAddCount: Math.round(carts * 0.4),
              },
              purchaseData: {
                totalPurchaseCount: purchases,
                totalPurchaseRate: r4(purchases / impressions),
                asinPurchaseCount: Math.round(purchases * share),
                asinPurchaseShare: r4(share),
                totalMedianPurchasePrice: money(p),
                asinMedianPurchasePrice: money(p),
                totalSameDayShippingPurchaseCount: Math.round(purchases * 0.1),
                totalOneDayShippingPurchaseCount: Math.round(purchases * 0.3),
                totalTwoDayShippingPurchaseCount: Math.round(purchases * 0.4),
              },
            };
          });
        }),
      };
    }
    default: {
      const wanted = (report.reportOptions.asins ?? '').split(/\s+/).filter(Boolean);
      const chosen = wanted.length > 0 ? listings.filter((l) => wanted.includes(l.asin)) : listings;
      return {
        ...head,
        dataByAsin: chosen.map((l) => {
          const impressions = int(r, 2_000, 50_000);
          const clicks = Math.round(impressions * (0.02 + 0.04 * r()));
          const carts = Math.round(clicks * (0.1 + 0.15 * r()));
          const purchases = Math.round(carts * (0.3 + 0.3 * r()));
          const p = price(l);
          return {
            startDate: isoDate(start),
            endDate: isoDate(end),
            asin: l.asin,
            impressionData: { impressionCount: impressions, impressionMedianPrice: money(p), sameDayShippingImpressionCount: Math.round(impressions * 0.1), oneDayShippingImpressionCount: Math.round(impressions * 0.3), twoDayShippingImpressionCount: Math.round(impressions * 0.4) },
            clickData: { clickCount: clicks, clickRate: r4(clicks / impressions), clickedMedianPrice: money(p), sameDayShippingClickCount: Math.round(clicks * 0.1), oneDayShippingClickCount: Math.round(clicks * 0.3), twoDayShippingClickCount: Math.round(clicks * 0.4) },
            cartAddData: { cartAddCount: carts, cartAddedMedianPrice: money(p), sameDayShippingCartAddCount: Math.round(carts * 0.1), oneDayShippingCartAddCount: Math.round(carts * 0.3), twoDayShippingCartAddCount: Math.round(carts * 0.4) },
            purchaseData: { purchaseCount: purchases, searchTrafficSales: money(purchases * p), conversionRate: r4(purchases / Math.max(1, clicks)), purchaseMedianPrice: money(p), sameDayShippingPurchaseCount: Math.round(purchases * 0.1), oneDayShippingPurchaseCount: Math.round(purchases * 0.3), twoDayShippingPurchaseCount: Math.round(purchases * 0.4) },
          };
        }),
      };
    }
  }
}

