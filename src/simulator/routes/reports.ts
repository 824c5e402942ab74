/**
 * Reports API 2021-06-30: createReport, getReport, getReports, cancelReport, getReportDocument.
 * Status moves IN_QUEUE → IN_PROGRESS → DONE/CANCELLED/FATAL by time (`reportTimings`); documents are
 * gzip'd and served from a pre-signed-style URL on this host that expires (5 minutes by default).
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { invalidInput, notFound } from '../errors.js';
import { checkMarketplaces, csv, registerOperation, type OpRequest } from '../operation.js';
import { buildReportDocument } from '../report-documents.js';
import { calendarDate, decideOutcome, RETIRED_REPORT_TYPES, SEARCH_TERMS, SUPPORTED_REPORT_TYPES } from '../report-rules.js';
import { searchTermsDocumentStream } from '../report-search-terms.js';
import type { Host, Sim } from '../sim.js';
import type { ReportRecord } from '../state.js';
import { enumList } from './listings.js';

const iso = (ms: number) => new Date(ms).toISOString();
const STATUSES = ['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE'];

export function documentId(host: Host): string {
  return `amzn1.spdoc.1.4.${(host.region ?? 'na').toLowerCase()}.${randomUUID()}.T${Math.floor(Math.random() * 1e5)}.${Date.now()}`;
}

function parseDateField(body: Record<string, unknown>, name: string, now: number): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || calendarDate(v) === undefined) {
    throw invalidInput(`Invalid ${name}: ${JSON.stringify(v)}.`, `${name} must be an ISO 8601 date-time.`);
  }
  // reports_2021-06-30 model: the value "must be prior to or equal to the current date and time"
  // (docs/amazon.md#reports); a date-time with an offset is compared as the instant it names.
  if (Date.parse(v) > now) throw invalidInput(`Invalid ${name}: ${v} is in the future.`, `${name} must be prior to or equal to the current date and time.`);
  return v;
}

function createReport(op: OpRequest): { reportId: string } {
  const body = op.json();
  const { reportType, marketplaceIds } = body;
  if (typeof reportType !== 'string' || reportType === '') throw invalidInput('Missing required field: reportType.');
  if (!Array.isArray(marketplaceIds) || marketplaceIds.length < 1 || marketplaceIds.length > 25 || marketplaceIds.some((m) => typeof m !== 'string')) {
    throw invalidInput('Invalid marketplaceIds.', 'marketplaceIds must be an array of 1 to 25 marketplace identifiers.');
  }
  if (RETIRED_REPORT_TYPES.includes(reportType)) {
    throw invalidInput(`Report type ${reportType} is no longer supported.`, 'Amazon deprecated and removed this Brand Analytics report in 2023.');
  }
  if (!SUPPORTED_REPORT_TYPES.includes(reportType)) throw invalidInput(`Invalid reportType: ${reportType}.`, 'The report type is not recognized.');
  checkMarketplaces(op, marketplaceIds as string[]);
  const options = body.reportOptions ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || Object.values(options).some((v) => typeof v !== 'string')) {
    throw invalidInput('Invalid reportOptions.', 'reportOptions must be an object whose values are strings.');
  }
  const now = Date.now();
  const start = parseDateField(body, 'dataStartTime', now);
  const end = parseDateField(body, 'dataEndTime', now);
  const decided = decideOutcome(reportType, marketplaceIds as string[], start, end, options as Record<string, string>, now);
  const report: ReportRecord = {
    reportId: op.sim.state.numericId(),
    sellerId: op.sellerId,
    reportType,
    marketplaceIds: [...(marketplaceIds as string[])],
    dataStartTime: iso(start !== undefined ? Date.parse(start) : decided.start),
    dataEndTime: iso(end !== undefined ? Date.parse(end) : decided.end + 86_399_000),
    reportOptions: { ...(options as Record<string, string>) },
    createdAt: now,
    outcome: decided.outcome,
    fatalReason: decided.reason,
    range: [decided.start, decided.end],
  };
  op.sim.state.reports.set(report.reportId, report);
  return { reportId: report.reportId };
}

/** The report as getReport shows it now, materializing its document once it is finished. */
export function viewReport(sim: Sim, host: Host, report: ReportRecord): Record<string, unknown> {
  const phase = report.cancelled ? 'FINISHED' : sim.state.phase(report.createdAt);
  const out: Record<string, unknown> = {
    reportId: report.reportId,
    reportType: report.reportType,
    dataStartTime: report.dataStartTime,
    dataEndTime: report.dataEndTime,
    marketplaceIds: report.marketplaceIds,
    createdTime: iso(report.createdAt),
  };
  const { inQueueMs, inProgressMs } = sim.state.timings;
  if (report.cancelled) {
    out.processingStatus = 'CANCELLED';
    return out;
  }
  if (phase === 'IN_QUEUE') {
    out.processingStatus = 'IN_QUEUE';
    return out;
  }
  out.processingStartTime = iso(report.createdAt + inQueueMs);
  if (phase === 'IN_PROGRESS') {
    out.processingStatus = 'IN_PROGRESS';
    return out;
  }
  out.processingStatus = report.outcome;
  out.processingEndTime = iso(report.createdAt + inQueueMs + inProgressMs);
  if (report.outcome !== 'CANCELLED') {
    if (!report.reportDocumentId) {
      const seller = sim.state.sellers.get(report.sellerId);
      const range = report.range;
      const id = documentId(host);
      const rows = sim.options.searchTermsRows;
      if (report.outcome === 'DONE' && seller && report.reportType === SEARCH_TERMS && rows !== undefined) {
        const stream = () => searchTermsDocumentStream(report, seller, range[0], range[1], rows);
        sim.state.documents.set(id, { id, sellerId: report.sellerId, stream, compressed: true, contentType: 'application/json' });
        report.reportDocumentId = id;
        out.reportDocumentId = id;
        return out;
      }
      const doc =
        report.outcome === 'DONE' && seller
          ? buildReportDocument(report, seller, range[0], range[1])
          : { content: JSON.stringify({ errorDetails: report.fatalReason ?? 'The report could not be generated.' }), contentType: 'application/json' };
      sim.state.documents.set(id, { id, sellerId: report.sellerId, content: gzipSync(doc.content), compressed: true, contentType: doc.contentType });
      report.reportDocumentId = id;
    }
    out.reportDocumentId = report.reportDocumentId;
  }
  return out;
}

function findReport(op: OpRequest): ReportRecord {
  const r = op.sim.state.reports.get(op.params.reportId as string);
  if (!r || r.sellerId !== op.sellerId) throw notFound(`Report ${op.params.reportId} not found.`, 'The requested report was not found.');
  return r;
}

function getReports(op: OpRequest) {
  const next = op.query.nextToken;
  let q = op.query;
  if (next !== undefined) {
    try {
      q = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as Record<string, string>;
    } catch {
      throw invalidInput('Invalid nextToken.');
    }
  }
  const types = csv(q, 'reportTypes');
  if (!types || types.length === 0 || types.length > 10) throw invalidInput('reportTypes (1 to 10) or nextToken is required.');
  const statuses = enumList({ ...op, query: q }, 'processingStatuses', STATUSES);
  const mps = csv(q, 'marketplaceIds');
  if (mps) checkMarketplaces(op, mps);
  const size = q.pageSize === undefined ? 10 : Number(q.pageSize);
  if (!Number.isInteger(size) || size < 1 || size > 100) throw invalidInput('pageSize must be between 1 and 100.');
  const since = q.createdSince ? Date.parse(q.createdSince) : Date.now() - 90 * 86_400_000;
  const until = q.createdUntil ? Date.parse(q.createdUntil) : Date.now() + 1;
  const offset = Number(q._offset ?? 0);
  const all = [...op.sim.state.reports.values()]
    .filter((r) => r.sellerId === op.sellerId && types.includes(r.reportType) && r.createdAt >= since && r.createdAt <= until)
    .filter((r) => !mps || r.marketplaceIds.some((m) => mps.includes(m)))
    .map((r) => viewReport(op.sim, op.host, r))
    .filter((r) => statuses.length === 0 || statuses.includes(r.processingStatus as string))
    .sort((a, b) => String(b.createdTime).localeCompare(String(a.createdTime)));
  const page = all.slice(offset, offset + size);
  const out: Record<string, unknown> = { reports: page };
  if (offset + size < all.length) out.nextToken = Buffer.from(JSON.stringify({ ...q, _offset: String(offset + size) })).toString('base64url');
  return out;
}

export function registerReports(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'POST', url: '/reports/2021-06-30/reports', operationId: 'createReport' }, (op) => ({
    status: 202,
    body: createReport(op),
  }));
  registerOperation(app, sim, host, { method: 'GET', url: '/reports/2021-06-30/reports', operationId: 'getReports' }, (op) => ({
    status: 200,
    body: getReports(op),
  }));
  registerOperation(app, sim, host, { method: 'GET', url: '/reports/2021-06-30/reports/:reportId', operationId: 'getReport' }, (op) => ({
    status: 200,
    body: viewReport(op.sim, op.host, findReport(op)),
  }));
  registerOperation(app, sim, host, { method: 'DELETE', url: '/reports/2021-06-30/reports/:reportId', operationId: 'cancelReport' }, (op) => {
    const r = findReport(op);
    if (r.cancelled || op.sim.state.phase(r.createdAt) !== 'IN_QUEUE') {
      throw invalidInput(`Report ${r.reportId} cannot be cancelled.`, 'Only reports with processingStatus IN_QUEUE can be cancelled.');
    }
    r.cancelled = true;
    return { status: 200 };
  });
  registerOperation(app, sim, host, { method: 'GET', url: '/reports/2021-06-30/documents/:reportDocumentId', operationId: 'getReportDocument' }, (op) => {
    const id = op.params.reportDocumentId as string;
    const doc = op.sim.state.documents.get(id);
    if (!doc || doc.sellerId !== op.sellerId) throw notFound(`Report document ${id} not found.`, 'The requested report document was not found.');
    const encoding = op.query.enableContentEncodingUrlHeader === 'true' ? { 'response-content-encoding': 'gzip' } : undefined;
    return {
      status: 200,
      body: { reportDocumentId: id, url: op.host.baseUrl + op.sim.state.signUrl(`/_documents/${encodeURIComponent(id)}`, encoding), compressionAlgorithm: 'GZIP' },
    };
  });
}
