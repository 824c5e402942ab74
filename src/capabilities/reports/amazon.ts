import { BrokerError } from '../../errors.js';
import { encodePathSegment } from '../../spapi/types.js';
import type { CapabilityContext } from '../types.js';
import { charsetOf, decodeDocument, fallbackCharsetFor, parseJsonDocument } from '../read-helpers/document-text.js';
import { record, str, type Json } from '../read-helpers/json.js';
import type { ReportSpec } from './spec.js';

/** The Reports API 2021-06-30 calls of the workflow (REFERENCE §B-7). */
export type Ctx = CapabilityContext<unknown>;

const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export async function getReport(ctx: Ctx, reportId: string): Promise<Json> {
  const response = await ctx.amazon.call<Json>({ operation: 'getReport', method: 'GET', path: `/reports/2021-06-30/reports/${encodePathSegment(reportId)}` });
  return record(response.body);
}

export async function createReport(ctx: Ctx, spec: ReportSpec): Promise<string> {
  const response = await ctx.amazon.call<Json>({
    operation: 'createReport',
    method: 'POST',
    path: '/reports/2021-06-30/reports',
    body: {
      reportType: spec.amazonReportType,
      marketplaceIds: spec.marketplaceIds,
      ...(spec.dataStartTime ? { dataStartTime: spec.dataStartTime } : {}),
      ...(spec.dataEndTime ? { dataEndTime: spec.dataEndTime } : {}),
      // Amazon wants every reportOptions value as a string.
      ...(spec.reportOptions ? { reportOptions: spec.reportOptions } : {}),
    },
  });
  const reportId = str(record(response.body).reportId);
  if (!reportId) throw new BrokerError('SP_API_ERROR', 'Amazon accepted createReport without a reportId', { details: { status: response.status, errors: [] } });
  return reportId;
}

/** getReportDocument, then the download (streamed, gunzipped, size-capped), decoded and parsed as JSON. */
export async function downloadReportDocument(ctx: Ctx, documentId: string): Promise<unknown> {
  const response = await ctx.amazon.call<Json>({
    operation: 'getReportDocument',
    method: 'GET',
    path: `/reports/2021-06-30/documents/${encodePathSegment(documentId)}`,
  });
  const body = record(response.body);
  const url = str(body.url);
  if (!url) throw new BrokerError('SP_API_ERROR', 'Amazon answered getReportDocument without a url', { details: { status: response.status, errors: [] } });
  const document = await ctx.amazon.download(url, { compression: str(body.compressionAlgorithm), maxBytes: MAX_DOCUMENT_BYTES });
  const text = decodeDocument(document.body, { charset: charsetOf(document.contentType), fallbackCharset: fallbackCharsetFor(ctx.marketplace.countryCode) });
  return parseJsonDocument(text, 'report document');
}
