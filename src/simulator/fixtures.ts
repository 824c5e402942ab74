/**
 * GET /_sim/fixtures: the seeded world in one answer, so a newcomer can explore the sandbox without
 * reading seed.ts (docs/sandbox.md explains it). Everything is derived from seed.ts, the same source
 * the simulator serves from, so the two cannot disagree.
 */
import { marketplace } from './marketplaces.js';
import { DAY, twoYearsAgo } from './sales-data.js';
import { CONTRACT_SELLERS, describeSeller, LWA_CLIENT_ID, LWA_CLIENT_SECRET } from './seed.js';

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whole periods relative to today (UTC): ones the seeded sales cover and ones Amazon has no data for. */
function reportPeriods(now: number) {
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const lastSaturday = today - ((new Date(today).getUTCDay() + 1) % 7 || 7) * DAY;
  const firstOfMonth = Date.UTC(new Date(today).getUTCFullYear(), new Date(today).getUTCMonth(), 1);
  const lastMonthEnd = firstOfMonth - DAY;
  const lastMonthStart = Date.UTC(new Date(lastMonthEnd).getUTCFullYear(), new Date(lastMonthEnd).getUTCMonth(), 1);
  return {
    with_data: {
      covers: `every day from ${isoDate(twoYearsAgo(now) + DAY)} to ${isoDate(today - DAY)} (two years back to yesterday, UTC), for every seller and marketplace`,
      last_week: { start_date: isoDate(lastSaturday - 6 * DAY), end_date: isoDate(lastSaturday), report_period: 'WEEK' },
      last_month: { start_date: isoDate(lastMonthStart), end_date: isoDate(lastMonthEnd), report_period: 'MONTH' },
    },
    without_data: {
      covers: 'today and later, and anything more than two years back: Amazon answers CANCELLED, the broker DONE with report null (it refuses future end dates and starts beyond two years itself)',
      today: { start_date: isoDate(today), end_date: isoDate(today) },
    },
  };
}

export function fixtures(now = Date.now()) {
  return {
    lwa: { client_id: LWA_CLIENT_ID, client_secret: LWA_CLIENT_SECRET },
    sellers: CONTRACT_SELLERS.map((spec) => {
      const seller = describeSeller(spec);
      const normal = seller.skus.filter((sku) => ![seller.encodedSku, seller.suppressedSku, seller.outOfStockSku].includes(sku));
      const withAsin = (sku: string) => ({ sku, asin: seller.asinBySku[sku], product_type: seller.productTypeBySku[sku] });
      return {
        selling_partner_id: seller.sellingPartnerId,
        refresh_token: seller.refreshToken,
        region: marketplace(seller.marketplaceIds[0] ?? '')?.region,
        marketplaces: seller.marketplaceIds.map((id) => ({ id, country_code: marketplace(id)?.countryCode })),
        brand: seller.brand,
        skus: {
          normal: normal.slice(0, 5).map(withAsin),
          total: seller.skus.length,
          suppressed: withAsin(seller.suppressedSku),
          out_of_stock: withAsin(seller.outOfStockSku),
          needs_percent_encoding: withAsin(seller.encodedSku),
          unknown: seller.unknownSku,
        },
        unknown_asin: seller.unknownAsin,
        orders: {
          in_review_window: seller.orders.eligible.map((id) => ({ amazon_order_id: id, marketplace_id: seller.orderMarketplace[id] })),
          review_already_requested: seller.orders.alreadySolicited,
          too_early_for_review: seller.orders.tooEarly,
          too_late_for_review: seller.orders.tooLate,
          unknown: seller.orders.unknown,
        },
        feed_id: seller.feedId,
      };
    }),
    report_periods: reportPeriods(now),
  };
}
