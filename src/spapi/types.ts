import type { Region } from '../marketplaces/marketplaces.js';
import { encodeRfc3986, type Query } from './http.js';

/** Amazon's operationIds the broker calls; they key the quota table and the metrics. */
export type OperationName =
  | 'getMarketplaceParticipations'
  | 'searchListingsItems'
  | 'getListingsItem'
  | 'patchListingsItem'
  | 'searchCatalogItems'
  | 'getCatalogItem'
  | 'getOrderMetrics'
  | 'createReport'
  | 'getReport'
  | 'getReportDocument'
  | 'createFeedDocument'
  | 'createFeed'
  | 'getFeed'
  | 'getFeedDocument'
  | 'createContentDocument'
  | 'validateContentDocumentAsinRelations'
  | 'postContentDocumentAsinRelations'
  | 'postContentDocumentApprovalSubmission'
  | 'createUploadDestinationForResource'
  | 'getSolicitationActionsForOrder'
  | 'createProductReviewAndSellerFeedbackSolicitation';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SpApiRequest {
  operation: OperationName;
  method: HttpMethod;
  /** Path with every dynamic segment already percent-encoded (use `encodePathSegment`). */
  path: string;
  /** Arrays are sent comma-separated (Amazon's `collectionFormat: csv`); undefined values are dropped. */
  query?: Query;
  body?: unknown;
}

export interface SpApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
  requestId?: string;
}

/** Which seller and host a call is made for; one per connection and region. */
export interface SellerContext {
  authorizationId: string;
  buyerId: string;
  sellingPartnerId: string;
  region: Region;
}

/**
 * Everything a capability may do against Amazon for one seller. Implementations take quota,
 * attach the LWA access token, sign, time out, retry reads, and turn failures into BrokerErrors
 * (SP_API_ERROR with details.status/details.errors, RATE_LIMIT, TOKEN_EXPIRED).
 */
export interface AmazonApi {
  readonly seller: SellerContext;
  call<T = unknown>(request: SpApiRequest): Promise<SpApiResponse<T>>;
  /** Downloads a report or feed document from the URL Amazon returned: HTTPS (or a configured endpoint host), no redirects, size-capped, gunzipped when `compression` is GZIP. */
  download(url: string, options?: { compression?: string | undefined; maxBytes?: number }): Promise<DownloadedDocument>;
  /** The same, streamed: the (gunzipped) bytes as they arrive, so a reader never holds a large document. */
  openDocument(url: string, options?: { compression?: string | undefined; maxBytes?: number }): Promise<DocumentStream>;
  /** Uploads feed content to the URL createFeedDocument returned, with exactly the declared content type. */
  upload(url: string, contentType: string, body: Buffer): Promise<void>;
  /** Posts a file to the destination createUploadDestinationForResource issued (multipart, its URL's fields first). */
  uploadToDestination(url: string, headers: Record<string, string>, file: { bytes: Buffer; contentType: string }): Promise<void>;
  /** The Amazon request ids seen so far in this capability call (kept for the audit log). */
  readonly requestIds: string[];
}

/** A downloaded report or feed document: the (gunzipped) bytes and the Content-Type they came with (its charset). */
export interface DownloadedDocument {
  body: Buffer;
  contentType: string | undefined;
}

/** A report or feed document being read: its (gunzipped) bytes as they arrive, and its Content-Type. */
export interface DocumentStream {
  chunks: AsyncIterable<Buffer>;
  contentType: string | undefined;
}

export function encodePathSegment(segment: string): string {
  // A segment that is "." or ".." would be dropped as a dot segment (a SKU may be exactly that):
  // encodeURIComponent leaves dots alone, so they are written %2E. The client keeps paths out of
  // the WHATWG URL parser, which removes even "%2E%2E" segments.
  if (segment === '.' || segment === '..') return '%2E'.repeat(segment.length);
  // Amazon's SKU rules want every reserved character encoded, !'()* included.
  return encodeRfc3986(segment);
}
