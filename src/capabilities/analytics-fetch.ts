import Type from 'typebox';
import { BrokerError } from '../errors.js';
import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params, ReportIdParam, WaitSecondsParam } from './params.js';
import { notYetAvailable } from './not-yet.js';

export const ANALYTICS_REPORT_TYPES = [
  'insights_summary',
  'sales_traffic',
  'brand_analytics_search_terms',
  'brand_analytics_market_basket',
  'brand_analytics_repeat_purchase',
  'brand_analytics_search_query_performance',
  'brand_analytics_search_catalog_performance',
] as const;

const RETIRED_REPORT_TYPES: Record<string, string> = {
  brand_analytics_item_comparison:
    'brand_analytics_item_comparison is no longer available: Amazon retired the Item Comparison report in 2023. Use brand_analytics_market_basket or brand_analytics_search_catalog_performance instead.',
  brand_analytics_alternate_purchase:
    'brand_analytics_alternate_purchase is no longer available: Amazon retired the Alternate Purchase report in 2023. Use brand_analytics_market_basket instead.',
};

const DateParam = (what: string) =>
  Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: `${what}: YYYY-MM-DD or an ISO 8601 date-time (the time part is ignored by Amazon).` }));

export default defineCapability({
  name: 'analytics.fetch',
  access: 'read',
  description:
    "Fetches an analytics report. Start with report_type insights_summary (the default): a digest of the sales and traffic report with totals, top ASINs by sales, sessions and conversion. Other types return Amazon's report JSON: sales_traffic, and the Brand Analytics reports (brand registered sellers): search_terms, market_basket, repeat_purchase, search_query_performance (needs asins), search_catalog_performance. Reports take time: the call waits up to wait_seconds; if status is IN_PROGRESS, call again with the report_id.",
  params: Params({
    report_type: Type.Optional(
      Type.Union(ANALYTICS_REPORT_TYPES.map((t) => Type.Literal(t)), { default: 'insights_summary', description: 'Which report (default insights_summary).' }),
    ),
    start_date: DateParam('First day of the report'),
    end_date: DateParam('Last day of the report, inclusive'),
    report_period: Type.Optional(
      Type.Union(['DAY', 'WEEK', 'MONTH', 'QUARTER'].map((p) => Type.Literal(p)), {
        description: 'Brand Analytics period; inferred when the dates span exactly one period. Weeks run Sunday to Saturday.',
      }),
    ),
    asins: Type.Optional(Type.Array(AsinParam, { minItems: 1, maxItems: 18, description: 'ASINs to report on (required for brand_analytics_search_query_performance).' })),
    marketplace_id: MarketplaceIdParam,
    report_id: ReportIdParam,
    wait_seconds: WaitSecondsParam,
  }),
  operations: ['createReport', 'getReport', 'getReportDocument'],
  precheck(params) {
    const reportType = (params as { report_type?: unknown } | undefined)?.report_type;
    if (typeof reportType === 'string' && RETIRED_REPORT_TYPES[reportType]) {
      throw new BrokerError('INVALID_REQUEST', RETIRED_REPORT_TYPES[reportType], { details: { field: 'params.report_type' } });
    }
  },
  async run() {
    return notYetAvailable('analytics.fetch');
  },
});
