import { describe, expect, it } from 'vitest';
import { charsetOf } from '../../src/capabilities/read-helpers/document-text.js';
import { MAX_FEED_ISSUES, summarizeFeedReport } from '../../src/capabilities/read-helpers/feed-report.js';
import { insightsDigest } from '../../src/capabilities/reports/insights.js';
import { accountHealthSummary, MAX_ARRAY_ITEMS, withTruncation } from '../../src/capabilities/reports/render.js';
import { streamJsonObject } from '../../src/capabilities/read-helpers/json-stream.js';
import { firstRows } from '../../src/capabilities/read-helpers/row-keepers.js';
import { readAmazonModelText } from '../helpers/amazon-models.js';

const usd = (amount: number) => ({ amount, currencyCode: 'USD' });
const day = (date: string, sales: number, units: number, items: number, sessions: number, pageViews: number, buyBox: number) => ({
  date,
  salesByDate: { orderedProductSales: usd(sales), unitsOrdered: units, totalOrderItems: items, unitsRefunded: 1, ordersShipped: items },
  trafficByDate: { sessions, pageViews, buyBoxPercentage: buyBox, unitSessionPercentage: 0 },
});
const asin = (child: string, sales: number, units: number, sessions: number) => ({
  parentAsin: `P${child}`,
  childAsin: child,
  salesByAsin: { orderedProductSales: usd(sales), unitsOrdered: units, totalOrderItems: units },
  trafficByAsin: { sessions, pageViews: sessions * 2, buyBoxPercentage: 95, unitSessionPercentage: Math.round((units / sessions) * 10000) / 100 },
});

describe('insights digest of the sales and traffic report', () => {
  const doc = {
    reportSpecification: { dataStartTime: '2026-11-01', dataEndTime: '2026-11-02' },
    salesAndTrafficByDate: [day('2026-11-01', 100.1, 10, 8, 100, 200, 90), day('2026-11-02', 50.2, 5, 5, 50, 100, 100)],
    salesAndTrafficByAsin: Array.from({ length: 12 }, (_, i) => asin(`B00000000${i.toString(36)}`, 10 + i, 1 + i, 10)),
  };

  it('totals sales, units, order items, sessions, conversion and page-view weighted buy box', () => {
    const digest = insightsDigest(doc, { currency: 'USD' });
    expect(digest.date_range).toEqual({ start_date: '2026-11-01', end_date: '2026-11-02', days: 2 });
    expect(digest.currency_code).toBe('USD');
    expect(digest.totals).toEqual({
      ordered_product_sales: { amount: 150.3, currency_code: 'USD' },
      units_ordered: 15,
      total_order_items: 13,
      orders_shipped: 13,
      average_selling_price: { amount: 10.02, currency_code: 'USD' },
      units_refunded: 2,
      refund_rate_percentage: 13.33,
      sessions: 150,
      page_views: 300,
      unit_session_percentage: 10,
      order_item_session_percentage: 8.67,
      buy_box_percentage: 93.33,
    });
    expect(digest.trend_granularity).toBe('DAY');
    expect(digest.trend).toEqual([
      { date: '2026-11-01', ordered_product_sales: 100.1, units_ordered: 10, total_order_items: 8, sessions: 100, page_views: 200, unit_session_percentage: 10 },
      { date: '2026-11-02', ordered_product_sales: 50.2, units_ordered: 5, total_order_items: 5, sessions: 50, page_views: 100, unit_session_percentage: 10 },
    ]);
  });

  it('lists the top 10 ASINs by sales, with sessions and conversion', () => {
    const digest = insightsDigest(doc, { currency: 'USD' });
    const top = digest.top_asins as { asin: string; ordered_product_sales: { amount: number }; unit_session_percentage: number; share_of_sales_percentage: number }[];
    expect(top).toHaveLength(10);
    expect(top[0]).toMatchObject({ asin: 'B00000000b', parent_asin: 'PB00000000b', ordered_product_sales: { amount: 21, currency_code: 'USD' }, units_ordered: 12, sessions: 10, page_views: 20 });
    expect(top[0]?.unit_session_percentage).toBe(120);
    expect(top.map((t) => t.ordered_product_sales.amount)).toEqual([...top.map((t) => t.ordered_product_sales.amount)].sort((a, b) => b - a));
    expect(digest.asin_count).toBe(12);
    expect(JSON.stringify(digest).length).toBeLessThan(4000);
  });

  it('rolls a long range up into Sunday-to-Saturday weeks and survives an empty document', () => {
    const days = Array.from({ length: 40 }, (_, i) => day(new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10), 1, 1, 1, 10, 10, 100));
    const digest = insightsDigest({ salesAndTrafficByDate: days, salesAndTrafficByAsin: [] }, { currency: 'USD', startDate: '2026-10-01T00:00:00Z', endDate: '2026-11-09T23:59:59Z' });
    expect(digest.trend_granularity).toBe('WEEK');
    const weeks = digest.trend as { date: string; units_ordered: number }[];
    expect(weeks[0]).toMatchObject({ date: '2026-09-27', units_ordered: 3 });
    expect(weeks.reduce((s, w) => s + w.units_ordered, 0)).toBe(40);
    expect(digest.date_range).toEqual({ start_date: '2026-10-01', end_date: '2026-11-09', days: 40 });
    const empty = insightsDigest({}, { currency: 'JPY' });
    expect(empty.totals).toMatchObject({ ordered_product_sales: { amount: 0, currency_code: 'JPY' }, units_ordered: 0, unit_session_percentage: 0 });
    expect(empty.top_asins).toEqual([]);
  });
});

describe('report documents', () => {
  it('truncates very long top-level arrays while streaming and says so', async () => {
    const stream = async (doc: unknown) => streamJsonObject([Buffer.from(JSON.stringify(doc))], () => firstRows(MAX_ARRAY_ITEMS));
    const rows = Array.from({ length: 1500 }, (_, i) => ({ i }));
    const out = withTruncation(await stream({ reportSpecification: { a: 1 }, dataByAsin: rows, small: [1, 2] }));
    expect((out.report as { dataByAsin: unknown[] }).dataByAsin).toEqual(rows.slice(0, 1000));
    expect(out.truncated).toEqual([{ field: 'dataByAsin', total: 1500, returned: 1000 }]);
    expect(withTruncation(await stream({ small: [1] }))).toEqual({ report: { small: [1] } });
  });

  it('summarises account health for the marketplace, reading both rating field names', () => {
    const metric = (rate: number) => ({ rate, status: 'GOOD', targetValue: 0.01, targetCondition: 'LESS_THAN' });
    const doc = {
      accountStatuses: [{ marketplaceId: 'M1', status: 'AT_RISK' }],
      performanceMetrics: [
        {
          marketplaceId: 'M1',
          orderDefectRate: { mfn: metric(0.002), afn: metric(0.001) },
          lateShipmentRate: metric(0.05),
          accountHealthRating: { accountHealthRatingStatus: 'WARNED' },
          listingPolicyViolations: { defectsCount: 2, status: 'BAD' },
          productSafetyCustomerComplaints: { defectsCount: 0, status: 'GOOD' },
          warningStates: [{ warningType: 'spammingSellerMessaging', status: 'BAD' }],
        },
      ],
    };
    expect(accountHealthSummary(doc, 'M1')).toMatchObject({
      account_status: 'AT_RISK',
      account_health_rating_status: 'WARNED',
      order_defect_rate: { mfn: { rate: 0.002 }, afn: { rate: 0.001 } },
      late_shipment_rate: { rate: 0.05, status: 'GOOD', target_value: 0.01, target_condition: 'LESS_THAN' },
      policy_areas_with_defects: [{ area: 'listingPolicyViolations', defects_count: 2, status: 'BAD' }],
      bad_warning_states: ['spammingSellerMessaging'],
    });
  });

  it("reads the charset a document's Content-Type declares (decoding: document-stream.test.ts)", () => {
    expect(charsetOf('application/json;charset="UTF-8"')).toBe('utf-8');
    expect(charsetOf('text/plain; charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetOf('application/json')).toBeUndefined();
  });
});

describe('feed processing report summary', () => {
  it("summarises Amazon's example JSON_LISTINGS_FEED processing report", () => {
    const summary = summarizeFeedReport(readAmazonModelText('listings-feed-processing-report-schema-v2.example.json'));
    expect(summary).toEqual({
      format: 'json',
      messages_processed: 4,
      messages_accepted: 2,
      messages_invalid: 2,
      errors: 3,
      warnings: 0,
      item_summary: { items: 2, errors: 0, warnings: 2 },
      issues: [
        { message_id: 4, sku: 'My-SKU-B', code: '90220', severity: 'ERROR', message: "'[batteries_required]' is required but not supplied." },
        { message_id: 4, sku: 'My-SKU-B', code: '90220', severity: 'ERROR', message: "'[supplier_declared_dg_hz_regulation]' is required but not supplied." },
        {
          message_id: 5,
          sku: 'My-SKU-C',
          code: '99022',
          severity: 'ERROR',
          message: "The field '\"prices\"' for the attribute 'purchasable_offer.our_price' does not have enough values. The required minimum is '1' value(s).",
          attribute_name: 'purchasable_offer.our_price',
        },
      ],
      issues_total: 3,
    });
  });

  it('keeps the first 10 issues, errors before warnings', () => {
    const issues = [
      ...Array.from({ length: 12 }, (_, i) => ({ messageId: i + 1, sku: `W${i}`, code: '1', severity: 'WARNING', message: 'warn' })),
      { messageId: 20, sku: 'E1', code: '2', severity: 'ERROR', message: 'bad', attributeName: 'item_name' },
    ];
    const summary = summarizeFeedReport(JSON.stringify({ header: {}, issues, summary: { errors: 1, warnings: 12, messagesProcessed: 13, messagesAccepted: 12, messagesInvalid: 1 } }));
    expect(summary.issues).toHaveLength(MAX_FEED_ISSUES);
    expect(summary.issues[0]).toEqual({ message_id: 20, sku: 'E1', code: '2', severity: 'ERROR', message: 'bad', attribute_name: 'item_name' });
    expect(summary.issues[1]?.sku).toBe('W0');
    expect(summary.issues_total).toBe(13);
  });

  it('reads XML processing reports and keeps an excerpt of anything else', () => {
    const xml = `<?xml version="1.0"?><AmazonEnvelope><Message><ProcessingReport><ProcessingSummary><MessagesProcessed>3</MessagesProcessed><MessagesSuccessful>2</MessagesSuccessful><MessagesWithError>1</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>
      <Result><MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>5000</ResultMessageCode><ResultDescription>Price &lt; 0 &amp; bad</ResultDescription><AdditionalInfo><SKU>ABC-1</SKU></AdditionalInfo></Result></ProcessingReport></Message></AmazonEnvelope>`;
    expect(summarizeFeedReport(xml)).toEqual({
      format: 'xml',
      messages_processed: 3,
      messages_accepted: 2,
      messages_invalid: 1,
      errors: 1,
      warnings: 0,
      issues: [{ message_id: 2, sku: 'ABC-1', code: '5000', severity: 'ERROR', message: 'Price < 0 & bad' }],
      issues_total: 1,
    });
    expect(summarizeFeedReport('col1\tcol2\n')).toEqual({ format: 'text', issues: [], issues_total: 0, excerpt: 'col1\tcol2\n' });
  });
});
