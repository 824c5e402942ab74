/**
 * Answers of POST /api/capabilities as the sandbox gives them (trimmed), one per kind of answer:
 * a read, a report still in progress, a staged write. Spectral checks each against the answer
 * schemas (oas3-valid-media-example), so they cannot drift from them.
 */
const meta = (capability: string) => ({ request_id: '5b0c8f7e-2f0a-4c55-9a51-0d7f1c2b9e41', capability, marketplace_id: 'ATVPDKIKX0DER', region: 'NA' });
const usd = (amount: number) => ({ amount, currency_code: 'USD' });

/** The sandbox's staged title change, as the staging answer and the confirmations list both show it. */
export const STAGED_TITLE_CHANGE = {
  summary:
    'Update listing SS-MUG-001 (ASIN B0MP6NVW98) "Northwind Goods Premium Tea Cup, Navy, Small" in United States (ATVPDKIKX0DER): item_name "Northwind Goods Premium Tea Cup, Navy, Small" → "Northwind Goods Stoneware Coffee Mug, 12 oz, Speckled Grey". Amazon\'s validation preview: VALID.',
  diff_preview: [
    {
      path: '/attributes/item_name',
      before: [{ value: 'Northwind Goods Premium Tea Cup, Navy, Small', language_tag: 'en_US', marketplace_id: 'ATVPDKIKX0DER' }],
      after: [{ value: 'Northwind Goods Stoneware Coffee Mug, 12 oz, Speckled Grey', language_tag: 'en_US', marketplace_id: 'ATVPDKIKX0DER' }],
    },
  ],
};

export const ANSWER_EXAMPLES = {
  'orders.summary': {
    summary: 'orders.summary (read)',
    value: {
      ok: true,
      data: {
        marketplace_id: 'ATVPDKIKX0DER',
        interval: '2026-11-01T00:00:00-07:00--2026-11-08T00:00:00-08:00',
        granularity: 'TOTAL',
        granularity_time_zone: 'America/Los_Angeles',
        metrics: [
          { interval: '2026-11-01T00:00-07:00--2026-11-08T00:00-08:00', order_count: 545, unit_count: 698, order_item_count: 605, total_sales: usd(16495.96), average_unit_price: usd(23.63) },
        ],
        totals: { order_count: 545, unit_count: 698, order_item_count: 605, total_sales: usd(16495.96) },
      },
      meta: meta('orders.summary'),
    },
  },
  'analytics.fetch (in progress)': {
    summary: 'analytics.fetch still running: call again with report_id after retry_after_s',
    value: {
      ok: true,
      data: {
        status: 'IN_PROGRESS',
        report_id: '50001947843',
        report_type: 'insights_summary',
        amazon_report_type: 'GET_SALES_AND_TRAFFIC_REPORT',
        marketplace_id: 'ATVPDKIKX0DER',
        report: null,
        processing_status: 'IN_QUEUE',
        retry_after_s: 10,
        note: 'Amazon is still preparing the report. Call again with this report_id (wait_seconds up to 55); no new report is requested.',
      },
      meta: meta('analytics.fetch'),
    },
  },
  'listings.update (staged)': {
    summary: 'listings.update staged: nothing changed at Amazon until the buyer confirms',
    value: {
      ok: true,
      data: {
        status: 'PENDING_CONFIRMATION',
        confirmation_id: 'cnf_Jr0MXC7v6QI1CPj1HXPQ',
        expires_at: '2026-11-30T16:59:17.032Z',
        confirm: {
          ...STAGED_TITLE_CHANGE,
        },
        validation: { issues: [] },
      },
      meta: meta('listings.update'),
    },
  },
};
