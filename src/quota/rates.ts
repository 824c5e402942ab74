import type { OperationName } from '../spapi/types.js';

/** One of Amazon's token buckets: refills `rate` tokens per second, holds at most `burst`. */
export interface BucketRate {
  rate: number;
  burst: number;
}

/**
 * Amazon's default usage plan per selling partner and application, exactly as each operation's
 * description in the SP-API models states it (test/quota/rates.test.ts checks every entry against
 * ../shared/spapi/models). https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits
 */
export const MODEL_RATES: Readonly<Record<OperationName, BucketRate>> = {
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  searchListingsItems: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  searchCatalogItems: { rate: 2, burst: 2 },
  getCatalogItem: { rate: 2, burst: 2 },
  getOrderMetrics: { rate: 0.5, burst: 15 },
  createReport: { rate: 0.0167, burst: 15 },
  getReport: { rate: 2, burst: 15 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  createContentDocument: { rate: 10, burst: 10 },
  validateContentDocumentAsinRelations: { rate: 10, burst: 10 },
  postContentDocumentAsinRelations: { rate: 10, burst: 10 },
  postContentDocumentApprovalSubmission: { rate: 10, burst: 10 },
  getSolicitationActionsForOrder: { rate: 1, burst: 5 },
  createProductReviewAndSellerFeedbackSolicitation: { rate: 1, burst: 5 },
  // uploads_2020-11-01.json (amzn/selling-partner-api-models; not among the copied models, REFERENCE §F-6).
  createUploadDestinationForResource: { rate: 0.1, burst: 5 },
};

/**
 * A+ Content: Amazon's October 2023 release notes said A+ rates "will be lowered from a rate of 10
 * to a rate of 1", yet every model revision still says 10/10 (REFERENCE §D-5). We plan for 1 rps with
 * a burst of 5 (Amazon's usual burst at 1 rps, e.g. Solicitations): an A+ generation makes one call
 * per operation, so the lower rate costs nothing, while 10 rps could earn us 429s. Only ever lower
 * than the model here; the rates test enforces that.
 */
const A_PLUS_SAFE: BucketRate = { rate: 1, burst: 5 };

export const CONSERVATIVE_OVERRIDES: Readonly<Partial<Record<OperationName, BucketRate>>> = {
  // Amazon's "Listings Items API rate limits" page: getListingsItem 5 rps, burst 5 per account
  // (the model still says burst 10; REFERENCE §F-9).
  getListingsItem: { rate: 5, burst: 5 },
  createContentDocument: A_PLUS_SAFE,
  validateContentDocumentAsinRelations: A_PLUS_SAFE,
  postContentDocumentAsinRelations: A_PLUS_SAFE,
  postContentDocumentApprovalSubmission: A_PLUS_SAFE,
};

/**
 * Amazon counts requests when they arrive, we when we send them: a request sent exactly on time
 * can arrive a few milliseconds "early" relative to the first one of a burst (network and CPU
 * jitter) and be throttled. Keeping one token of every burst in reserve gives each request a full
 * interval (1/rate s) of slack, for a cost of one request per bucket.
 */
const withHeadroom = (bucket: BucketRate): BucketRate => ({ rate: bucket.rate, burst: Math.max(1, bucket.burst - 1) });

/** The buckets the broker enforces per (selling partner, region, operation). */
export const OPERATION_RATES: Readonly<Record<OperationName, BucketRate>> = Object.fromEntries(
  Object.entries({ ...MODEL_RATES, ...CONSERVATIVE_OVERRIDES }).map(([operation, bucket]) => [operation, withHeadroom(bucket)]),
) as Record<OperationName, BucketRate>;

export const rateOf = (operation: OperationName): BucketRate => OPERATION_RATES[operation];
