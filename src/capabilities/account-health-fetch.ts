import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, ReportIdParam, WaitSecondsParam } from './params.js';
import { SANDBOX } from './examples.js';
import { ReportAnswer } from './answers.js';
import { accountHealthSummary, withTruncation } from './reports/render.js';
import { SELLER_PERFORMANCE } from './reports/report-types.js';
import { accountHealthSpec } from './reports/spec.js';
import { runReport } from './reports/workflow.js';

/**
 * Reports API with GET_V2_SELLER_PERFORMANCE_REPORT (docs/amazon.md#account-health): no dates, no
 * options, so every call of a seller and marketplace has the same fingerprint and reuses a recent
 * report.
 */
export default defineCapability({
  name: 'account_health.fetch',
  access: 'read',
  description:
    "Fetches the seller's Account Health (Amazon's seller performance report, JSON with Amazon's field names in report): account status per marketplace, order defect rate, late shipment and cancellation rates, valid tracking and on-time delivery, policy violations and the account health rating. summary lists the key figures for the marketplace. Waits up to wait_seconds; if status is IN_PROGRESS, call again with the report_id.",
  params: Params({ marketplace_id: MarketplaceIdParam, report_id: ReportIdParam, wait_seconds: WaitSecondsParam }, [{ marketplace_id: SANDBOX.marketplaceId, wait_seconds: 20 }]),
  answer: ReportAnswer(Type.Record(Type.String(), Type.Unknown(), { description: "Amazon's seller performance report JSON, Amazon's field names." }), {
    summary: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Key figures for the marketplace: account status, rating, defect and shipping rates.' })),
    truncated: Type.Optional(Type.Array(Type.Object({ field: Type.String(), total: Type.Integer(), returned: Type.Integer() }))),
  }),
  operations: ['createReport', 'getReport', 'getReportDocument'],
  async run(ctx) {
    return runReport(ctx, {
      ...(ctx.params.report_id === undefined ? { spec: accountHealthSpec(ctx.marketplace.id) } : { reportId: ctx.params.report_id }),
      waitSeconds: ctx.params.wait_seconds ?? 20,
      amazonReportTypes: [SELLER_PERFORMANCE],
      render: (streamed, spec) => ({ summary: accountHealthSummary(streamed.document, spec.marketplaceIds[0] ?? ctx.marketplace.id), ...withTruncation(streamed) }),
    });
  },
});
