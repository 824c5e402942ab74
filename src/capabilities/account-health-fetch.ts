import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, ReportIdParam, WaitSecondsParam } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'account_health.fetch',
  access: 'read',
  description:
    "Fetches the seller's Account Health (Amazon's seller performance report): account status per marketplace, order defect rate, late shipment and cancellation rates, policy violations and the account health rating. Waits up to wait_seconds; if status is IN_PROGRESS, call again with the report_id.",
  params: Params({ marketplace_id: MarketplaceIdParam, report_id: ReportIdParam, wait_seconds: WaitSecondsParam }),
  operations: ['createReport', 'getReport', 'getReportDocument'],
  async run() {
    return notYetAvailable('account_health.fetch');
  },
});
