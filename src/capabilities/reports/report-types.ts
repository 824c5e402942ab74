import type { Period } from './dates.js';

/**
 * The analytics report types the broker exposes and Amazon's rules for each (docs/amazon.md#reports,
 * https://developer-docs.amazon.com/sp-api/docs/report-type-values-analytics).
 */
export const SALES_AND_TRAFFIC = 'GET_SALES_AND_TRAFFIC_REPORT';
export const SELLER_PERFORMANCE = 'GET_V2_SELLER_PERFORMANCE_REPORT';

export interface BrandAnalyticsRule {
  amazonReportType: string;
  periods: readonly Period[];
  /** Whether one report may cover several consecutive periods. */
  spansPeriods: boolean;
  /** How the report takes ASINs in reportOptions: required `asin`, optional `asins`, or not at all. */
  asins: { option: 'asin' | 'asins'; required: boolean } | undefined;
}

export const BRAND_ANALYTICS: Record<string, BrandAnalyticsRule> = {
  brand_analytics_search_terms: {
    amazonReportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT',
    periods: ['DAY', 'WEEK', 'MONTH', 'QUARTER'],
    spansPeriods: false,
    asins: undefined,
  },
  brand_analytics_market_basket: {
    amazonReportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT',
    periods: ['DAY', 'WEEK', 'MONTH', 'QUARTER'],
    spansPeriods: true,
    asins: undefined,
  },
  brand_analytics_repeat_purchase: {
    amazonReportType: 'GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT',
    periods: ['WEEK', 'MONTH', 'QUARTER'],
    spansPeriods: true,
    asins: undefined,
  },
  brand_analytics_search_query_performance: {
    amazonReportType: 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT',
    periods: ['WEEK', 'MONTH', 'QUARTER'],
    spansPeriods: false,
    asins: { option: 'asin', required: true },
  },
  brand_analytics_search_catalog_performance: {
    amazonReportType: 'GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT',
    periods: ['WEEK', 'MONTH', 'QUARTER'],
    spansPeriods: false,
    asins: { option: 'asins', required: false },
  },
};

export const isBrandAnalytics = (amazonReportType: string) => Object.values(BRAND_ANALYTICS).some((rule) => rule.amazonReportType === amazonReportType);

/** Sales and traffic based types: the broker's digest and Amazon's report itself. */
export const SALES_TRAFFIC_TYPES = ['insights_summary', 'sales_traffic'] as const;

/** Amazon report type behind each analytics report type. */
export function amazonReportTypeOf(reportType: string): string | undefined {
  if ((SALES_TRAFFIC_TYPES as readonly string[]).includes(reportType)) return SALES_AND_TRAFFIC;
  return BRAND_ANALYTICS[reportType]?.amazonReportType;
}

/** SQP/SCP take ASINs space-separated, 200 characters at most. */
export const MAX_ASIN_OPTION_LENGTH = 200;
