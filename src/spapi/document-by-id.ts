import { BrokerError } from '../errors.js';
import { encodePathSegment, type AmazonApi, type DocumentStream } from './types.js';

/** Where each API hands out its documents' download URLs (docs/amazon.md#reports, #feeds). */
const DOCUMENT_PATHS = {
  getReportDocument: '/reports/2021-06-30/documents/',
  getFeedDocument: '/feeds/2021-06-30/documents/',
} as const;

/**
 * A report or feed document by id: getXDocument for its short-lived URL and compression, then the
 * download streamed (gunzipped), so no caller holds a large document.
 */
export async function openDocumentById(amazon: AmazonApi, operation: keyof typeof DOCUMENT_PATHS, documentId: string): Promise<DocumentStream> {
  const response = await amazon.call<unknown>({ operation, method: 'GET', path: `${DOCUMENT_PATHS[operation]}${encodePathSegment(documentId)}` });
  const url = textField(response.body, 'url');
  if (!url) throw new BrokerError('SP_API_ERROR', `Amazon answered ${operation} without a url`, { details: { status: response.status, errors: [] } });
  return amazon.openDocument(url, { compression: textField(response.body, 'compressionAlgorithm') });
}

/** A non-empty string field of Amazon's JSON object, never trusting its shape. */
function textField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const value: unknown = Reflect.get(body, name);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
