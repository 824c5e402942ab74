import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError, invalidRequest } from '../../errors.js';
import { str, type Json } from '../read-helpers/json.js';
import type { RowKeeper, StreamedDocument } from '../read-helpers/json-stream.js';
import { downloadReportDocument, getReport, type Ctx } from './amazon.js';
import { findBinding } from './repository.js';
import { answerFrom, readResult, writeResult, type ReportAnswer } from './result-cache.js';
import { isBrandAnalytics } from './report-types.js';
import type { ReportSpec } from './spec.js';
import { startReport } from './start.js';

export type { ReportAnswer } from './result-cache.js';

/**
 * Amazon's report workflow (docs/amazon.md#reports): createReport → getReport until DONE →
 * getReportDocument → download. getReport allows 2 rps (burst 15) per seller: the broker polls
 * from 1 s apart, backing off to 5 s. Without readiness within wait_seconds the answer is
 * IN_PROGRESS with the report_id, and a later call with that report_id resumes — only from an
 * order the report is bound to.
 */
const POLL_FIRST_MS = 1_000;
const POLL_MAX_MS = 5_000;


export interface ReportRequest {
  /** A new request (unused when resuming). */
  spec?: ReportSpec;
  reportId?: string;
  waitSeconds: number;
  /** The Amazon report types this capability may resume: another capability's report_id is refused. */
  amazonReportTypes: readonly string[];
  /** Lets a resume pick among the broker report types that share one Amazon report. */
  adjustResumedSpec?(spec: ReportSpec): ReportSpec;
  /** What to keep of each top-level array while the document streams (default: the first 1,000 rows). */
  keepers?(spec: ReportSpec): Promise<(field: string) => RowKeeper>;
  /** Turns the streamed document (only the rows kept) into the answer's fields (`report`, and anything else). */
  render(streamed: StreamedDocument, spec: ReportSpec): Json;
}

const unknownReport = () => invalidRequest('report_id is not a report this order requested', { field: 'params.report_id' });

/** The binding of a report_id to this order; INVALID_REQUEST that never tells whether it exists elsewhere. */
async function resumedSpec(ctx: Ctx, request: ReportRequest, reportId: string): Promise<ReportSpec> {
  const binding = await findBinding(ctx.services.db, reportId, ctx.job.orderId);
  if (!binding || binding.buyerId !== ctx.job.buyerId || binding.sellingPartnerId !== ctx.connection.sellingPartnerId) throw unknownReport();
  if (!request.amazonReportTypes.includes(binding.spec.amazonReportType)) throw unknownReport();
  if (binding.region !== ctx.connection.region) {
    throw invalidRequest(`this report was requested for marketplace ${binding.marketplaceId}; pass marketplace_id ${binding.marketplaceId}`, { field: 'params.marketplace_id' });
  }
  return request.adjustResumedSpec ? request.adjustResumedSpec(binding.spec) : binding.spec;
}

function baseAnswer(reportId: string, spec: ReportSpec, report: Json | undefined) {
  const start = str(report?.dataStartTime);
  const end = str(report?.dataEndTime);
  return {
    report_id: reportId,
    report_type: spec.reportType,
    amazon_report_type: spec.amazonReportType,
    marketplace_id: spec.marketplaceIds[0],
    ...(start ? { data_start_time: start } : {}),
    ...(end ? { data_end_time: end } : {}),
    ...(spec.requestedEndTime && spec.dataEndTime ? { clamped_end_time: spec.dataEndTime } : {}),
  };
}

/** Says in the answer's note when the end was clamped to now (Amazon takes no data after now). */
function withClampNote<T extends Json>(answer: T, spec: ReportSpec): T {
  if (!spec.requestedEndTime || !spec.dataEndTime) return answer;
  const clampNote = `end_date reaches past now, and Amazon takes no data after now: the report ends at ${spec.dataEndTime} (clamped_end_time), so anything later that day is not included.`;
  return { ...answer, note: [str(answer.note), clampNote].filter(Boolean).join(' ') };
}

/** FATAL: Amazon's error document, when there is one, says why (one getReportDocument, then cached). */
async function fatalReason(ctx: Ctx, report: Json): Promise<string | undefined> {
  const documentId = str(report.reportDocumentId);
  if (!documentId) return undefined;
  try {
    const { document } = await downloadReportDocument(ctx, documentId);
    return str(document.errorDetails) ?? str(document.message) ?? JSON.stringify(document).slice(0, 300);
  } catch {
    // the reason is a bonus; the FATAL status is the answer
    return undefined;
  }
}

/**
 * Brand Analytics says "nothing for this period" (a small brand, a period not yet published) as
 * FATAL with this errorDetails, not CANCELLED (models#2952, Market Basket; the same for the other
 * Brand Analytics types).
 */
const BRAND_ANALYTICS_NO_DATA = /requested data is unavailable/i;

async function fatal(ctx: Ctx, reportId: string, spec: ReportSpec, reason: string | undefined): Promise<never> {
  const message = `Amazon could not generate the report (processingStatus FATAL)${reason ? `: ${reason}` : ''}`;
  const details = { status: 200, errors: [], processing_status: 'FATAL', report_id: reportId, ...(reason ? { reason } : {}) };
  await writeResult(ctx, reportId, spec.reportType, { kind: 'fatal', message, details });
  throw new BrokerError('SP_API_ERROR', message, { details });
}

async function finish(ctx: Ctx, request: ReportRequest, reportId: string, spec: ReportSpec, report: Json): Promise<ReportAnswer> {
  const status = str(report.processingStatus);
  let answer: ReportAnswer;
  if (status === 'FATAL') {
    const reason = await fatalReason(ctx, report);
    if (!reason || !isBrandAnalytics(spec.amazonReportType) || !BRAND_ANALYTICS_NO_DATA.test(reason)) return fatal(ctx, reportId, spec, reason);
    answer = {
      status: 'DONE',
      ...baseAnswer(reportId, spec, report),
      processing_status: 'FATAL',
      report: null,
      note: `Amazon has no data for this request (Brand Analytics answered: "${reason}"): a period not published yet, one older than Amazon keeps, or a brand too small to appear. Try another period.`,
    };
  } else if (status === 'CANCELLED') {
    // Amazon cancels a report by itself when there is no data to return: not a failure
    // (docs/amazon.md#reports).
    answer = {
      status: 'DONE',
      ...baseAnswer(reportId, spec, report),
      processing_status: 'CANCELLED',
      report: null,
      note: 'Amazon cancelled the report because it has no data for this request (e.g. no sales or traffic in the range, or a range Amazon does not cover yet).',
    };
  } else {
    const documentId = str(report.reportDocumentId);
    if (!documentId) throw new BrokerError('SP_API_ERROR', 'Amazon reports DONE without a reportDocumentId', { details: { status: 200, errors: [], report_id: reportId } });
    const streamed = await downloadReportDocument(ctx, documentId, request.keepers ? await request.keepers(spec) : undefined);
    answer = { status: 'DONE', ...baseAnswer(reportId, spec, report), processing_status: 'DONE', ...request.render(streamed, spec) };
  }
  answer = withClampNote(answer, spec);
  await writeResult(ctx, reportId, spec.reportType, { kind: 'answer', answer });
  return answer;
}

export async function runReport(ctx: Ctx, request: ReportRequest): Promise<ReportAnswer> {
  const deadline = Date.now() + request.waitSeconds * 1000;
  let spec: ReportSpec;
  let reportId: string;
  let report: Json | undefined;
  if (request.reportId !== undefined) {
    reportId = request.reportId;
    spec = await resumedSpec(ctx, request, reportId);
    const cached = await readResult(ctx, reportId, spec.reportType);
    if (cached) return answerFrom(cached);
    report = await getReport(ctx, reportId);
  } else {
    if (!request.spec) throw new Error('runReport needs a spec or a report id');
    spec = request.spec;
    const started = await startReport(ctx, spec);
    if (started.cached) return answerFrom(started.cached);
    reportId = started.reportId;
    // A report just created is never ready at once: the first look is a poll interval later.
    report = started.report;
  }
  for (let delay = POLL_FIRST_MS; ; delay = Math.min(Math.round(delay * 1.5), POLL_MAX_MS)) {
    const status = str(report?.processingStatus);
    if (report && (status === 'DONE' || status === 'CANCELLED' || status === 'FATAL')) return finish(ctx, request, reportId, spec, report);
    if (Date.now() + delay > deadline) {
      return withClampNote<ReportAnswer>({
        status: 'IN_PROGRESS',
        ...baseAnswer(reportId, spec, report),
        report: null,
        processing_status: status ?? 'IN_QUEUE',
        retry_after_s: 10,
        note: 'Amazon is still preparing the report. Call again with this report_id (wait_seconds up to 55); no new report is requested.',
      }, spec);
    }
    await sleep(delay);
    report = await getReport(ctx, reportId);
  }
}
