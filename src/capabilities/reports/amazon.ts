import { BrokerError, isBrokerError } from '../../errors.js';
import { openDocumentById } from '../../spapi/document-by-id.js';
import { encodePathSegment } from '../../spapi/types.js';
import type { CapabilityContext } from '../types.js';
import { charsetOf, decodedChunks } from '../read-helpers/document-text.js';
import { streamJsonObject, type RowKeeper, type StreamedDocument } from '../read-helpers/json-stream.js';
import { firstRows } from '../read-helpers/row-keepers.js';
import { MAX_ARRAY_ITEMS } from './render.js';
import { record, str, type Json } from '../read-helpers/json.js';
import type { ReportSpec } from './spec.js';

/** The Reports API 2021-06-30 calls of the workflow (docs/amazon.md#reports). */
export type Ctx = CapabilityContext<unknown>;

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

/**
 * getReportDocument, then the download streamed (gunzipped) through a streaming JSON parser: the
 * document is never held, only what `keeperFor` keeps of each top-level array (default: the first
 * MAX_ARRAY_ITEMS rows).
 */
export async function downloadReportDocument(ctx: Ctx, documentId: string, keeperFor: (field: string) => RowKeeper = () => firstRows(MAX_ARRAY_ITEMS)): Promise<StreamedDocument> {
  const document = await openDocumentById(ctx.amazon, 'getReportDocument', documentId);
  try {
    return await streamJsonObject(decodedChunks(document.chunks, { charset: charsetOf(document.contentType) }), keeperFor);
  } catch (error) {
    if (isBrokerError(error)) throw error;
    throw new BrokerError('SP_API_ERROR', `Amazon's report document is not JSON as expected (${error instanceof Error ? error.message : String(error)})`, {
      details: { status: 200, errors: [] },
    });
  }
}
