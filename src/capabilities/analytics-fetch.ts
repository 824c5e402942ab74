import Type from 'typebox';
import { BrokerError } from '../errors.js';
import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params, ReportIdParam, WaitSecondsParam } from './params.js';
import { SANDBOX } from './examples.js';
import { ReportAnswer } from './answers.js';
import { firstRows } from './read-helpers/row-keepers.js';
import { insightsDigest, topAsinKeeper } from './reports/insights.js';
import { MAX_ARRAY_ITEMS, withTruncation } from './reports/render.js';
import { ownAsins, renderSearchTerms, SEARCH_TERMS_FIELD, searchTermsKeeper } from './reports/search-terms.js';
import { amazonReportTypeOf, BRAND_ANALYTICS, SALES_AND_TRAFFIC } from './reports/report-types.js';
import { analyticsReportSpec, type AnalyticsParams, type ReportSpec } from './reports/spec.js';
import { runReport } from './reports/workflow.js';

/** Two years of daily rows, with room to spare. */
const MAX_DAYS_KEPT = 1_000;
const SEARCH_TERMS = BRAND_ANALYTICS.brand_analytics_search_terms!.amazonReportType;

export const ANALYTICS_REPORT_TYPES = [
  'insights_summary',
  'sales_traffic',
  'brand_analytics_search_terms',
  'brand_analytics_market_basket',
  'brand_analytics_repeat_purchase',
  'brand_analytics_search_query_performance',
  'brand_analytics_search_catalog_performance',
] as const;

const AMAZON_REPORT_TYPES = [SALES_AND_TRAFFIC, ...Object.values(BRAND_ANALYTICS).map((rule) => rule.amazonReportType)];

const RETIRED_REPORT_TYPES: Record<string, string> = {
  brand_analytics_item_comparison:
    'brand_analytics_item_comparison is no longer available: Amazon retired the Item Comparison report in 2023. Use brand_analytics_market_basket or brand_analytics_search_catalog_performance instead.',
  brand_analytics_alternate_purchase:
    'brand_analytics_alternate_purchase is no longer available: Amazon retired the Alternate Purchase report in 2023. Use brand_analytics_market_basket instead.',
};

const DateParam = (what: string) =>
  Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: `${what}: YYYY-MM-DD or an ISO 8601 date-time (only the date counts, as for Amazon).` }));

export default defineCapability({
  name: 'analytics.fetch',
  access: 'read',
  description:
    "Fetches an analytics report for a date range (both days included). Start with report_type insights_summary (the default): a small digest of Amazon's sales and traffic report — totals (sales, units, order items, sessions, page views, conversion, buy box %), a daily or weekly trend, and the top 10 ASINs by sales. Other types return Amazon's report JSON with Amazon's field names (very long arrays cut to 1,000 rows, listed in truncated; search_terms, millions of rows, answers at most 2,000: the seller's own ASINs first, then the most searched terms, with total_rows): sales_traffic (daily per child ASIN; report_period WEEK or MONTH for coarser rows), and the Brand Analytics reports for brand-registered sellers: search_terms, market_basket, repeat_purchase, search_query_performance (needs asins), search_catalog_performance. Brand Analytics dates must be whole periods (weeks Sunday to Saturday); report_period is inferred when the dates span exactly one. Reports take time: the call waits up to wait_seconds; if status is IN_PROGRESS, call again with just the report_id. status DONE with report null means Amazon had no data.",
  params: Params({
    report_type: Type.Optional(Type.Enum(ANALYTICS_REPORT_TYPES, { description: 'Which report (default insights_summary).' })),
    start_date: DateParam('First day of the report'),
    end_date: DateParam('Last day of the report, inclusive'),
    report_period: Type.Optional(
      Type.Enum(['DAY', 'WEEK', 'MONTH', 'QUARTER'], {
        description: 'Brand Analytics period; inferred when the dates span exactly one period. Weeks run Sunday to Saturday. For sales_traffic: the row granularity (DAY default, WEEK, MONTH).',
      }),
    ),
    asins: Type.Optional(
      Type.Array(AsinParam, { minItems: 1, maxItems: 18, description: 'ASINs to report on: required for brand_analytics_search_query_performance, optional for brand_analytics_search_catalog_performance.' }),
    ),
    marketplace_id: MarketplaceIdParam,
    report_id: ReportIdParam,
    wait_seconds: WaitSecondsParam,
  }, [
    { report_type: 'insights_summary', start_date: SANDBOX.week.start, end_date: SANDBOX.week.end },
    { report_type: 'brand_analytics_search_terms', start_date: SANDBOX.week.start, end_date: SANDBOX.week.end, report_period: 'WEEK' },
    { report_type: 'brand_analytics_search_query_performance', start_date: SANDBOX.month.start, end_date: SANDBOX.month.end, report_period: 'MONTH', asins: [SANDBOX.asin] },
  ]),
  answer: ReportAnswer(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        "insights_summary: { date_range, currency_code, totals, trend_granularity, trend, top_asins }; other types: Amazon's report JSON with Amazon's field names.",
    }),
    {
      truncated: Type.Optional(
        Type.Union([Type.Array(Type.Object({ field: Type.String(), total: Type.Integer(), returned: Type.Integer() })), Type.Boolean()], {
          description: 'Arrays cut to 1,000 rows: [{ field, total, returned }]. For brand_analytics_search_terms: true when rows were left out of the bounded slice.',
        }),
      ),
      total_rows: Type.Optional(Type.Integer({ description: "brand_analytics_search_terms: rows in Amazon's report (often millions)." })),
      returned_rows: Type.Optional(Type.Integer({ description: 'brand_analytics_search_terms: rows answered (at most 2,000): own ASINs first, then the lowest searchFrequencyRank.' })),
      own_asin_rows: Type.Optional(Type.Integer({ description: "brand_analytics_search_terms: answered rows whose clickedAsin is one of the seller's own ASINs." })),
    },
  ),
  operations: ['createReport', 'getReport', 'getReportDocument'],
  precheck(params) {
    const reportType = (params as { report_type?: unknown } | undefined)?.report_type;
    if (typeof reportType === 'string' && RETIRED_REPORT_TYPES[reportType]) {
      throw new BrokerError('INVALID_REQUEST', RETIRED_REPORT_TYPES[reportType], { details: { field: 'params.report_type' } });
    }
  },
  async run(ctx) {
    const params = ctx.params as AnalyticsParams & { report_id?: string; wait_seconds?: number };
    const requested = params.report_type;
    // What the keepers learn while the document streams, for render.
    const topAsins = topAsinKeeper();
    let own = new Set<string>();
    return runReport(ctx, {
      // With report_id the other report params are not needed: the report already exists.
      ...(params.report_id === undefined ? { spec: analyticsReportSpec(params, ctx.marketplace) } : { reportId: params.report_id }),
      waitSeconds: params.wait_seconds ?? 20,
      amazonReportTypes: AMAZON_REPORT_TYPES,
      adjustResumedSpec: (spec: ReportSpec) =>
        requested !== undefined && amazonReportTypeOf(requested) === spec.amazonReportType ? { ...spec, reportType: requested } : spec,
      keepers: async (spec) => {
        if (spec.reportType === 'insights_summary') return (field) => (field === 'salesAndTrafficByAsin' ? topAsins : firstRows(MAX_DAYS_KEPT));
        if (spec.amazonReportType === SEARCH_TERMS) {
          own = await ownAsins(ctx);
          return (field) => (field === SEARCH_TERMS_FIELD ? searchTermsKeeper(own) : firstRows(MAX_ARRAY_ITEMS));
        }
        return () => firstRows(MAX_ARRAY_ITEMS);
      },
      render: (streamed, spec) => {
        if (spec.reportType === 'insights_summary') {
          const fallback = { currency: ctx.marketplace.currency, startDate: spec.dataStartTime, endDate: spec.dataEndTime };
          return { report: insightsDigest(streamed.document, fallback, { count: streamed.totals.salesAndTrafficByAsin ?? 0, totalSales: topAsins.totalSales() }) };
        }
        return spec.amazonReportType === SEARCH_TERMS ? renderSearchTerms(streamed, own) : withTruncation(streamed);
      },
    });
  },
});
