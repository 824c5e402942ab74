import type { OperationName } from '../spapi/types.js';

/** One of Amazon's token buckets: refills `rate` tokens per second, holds at most `burst`. */
export interface BucketRate {
  rate: number;
  burst: number;
}

/**
 * Amazon's default usage plan per selling partner and application, exactly as each operation's
 * description in the SP-API models states it (test/quota/rates.test.ts checks every entry against
 * the models in vendor/amazon-sp-api-models, and what we plan against Amazon's JavaScript SDK's
 * helper/DefaultRateLimitMap.mjs). https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits
 * The SDK states slow rates as one request per n seconds, which the models print rounded:
 * getMarketplaceParticipations 0.016 (SDK 1/60), createFeed 0.0083 (1/120) and getFeedDocument
 * 0.0222 (1/45) are rounded down, so stricter, and kept; createReport and getReportDocument 0.0167
 * (1/60) are rounded up, so lowered in CONSERVATIVE_OVERRIDES (docs/amazon.md#rate-limits).
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
  createUploadDestinationForResource: { rate: 10, burst: 10 },
};

/**
 * A+ Content: Amazon's October 2023 release announcement said A+ rates "will be lowered from a rate
 * of 10 to a rate of 1", yet every model revision still says 10/10 and Amazon's SDK plans 5/5. We
 * plan for 1 rps with a burst of 5 (Amazon's usual burst at 1 rps, e.g. Solicitations): an A+
 * generation makes one call per operation, so the lower rate costs nothing, while 10 rps could earn
 * us 429s (docs/amazon.md#rate-limits).
 */
const A_PLUS_SAFE: BucketRate = { rate: 1, burst: 5 };

/**
 * Where Amazon's public statements differ (the model, its rate-limit pages, the SDK's
 * helper/DefaultRateLimitMap.mjs) we plan the strictest: only ever lower than the model and never
 * above the SDK; test/quota/rates.test.ts enforces both (docs/amazon.md#rate-limits).
 */
export const CONSERVATIVE_OVERRIDES: Readonly<Partial<Record<OperationName, BucketRate>>> = {
  // https://developer-docs.amazon.com/sp-api/docs/listings-items-api-rate-limits: getListingsItem 5 rps,
  // burst 5 per account (the model still says burst 10; the SDK's map says 5/5).
  getListingsItem: { rate: 5, burst: 5 },
  // The SDK's map says one request per 60 s (0.01666… rps); the model's 0.0167 is that rounded up.
  createReport: { rate: 1 / 60, burst: 15 },
  getReportDocument: { rate: 1 / 60, burst: 15 },
  createContentDocument: A_PLUS_SAFE,
  validateContentDocumentAsinRelations: A_PLUS_SAFE,
  postContentDocumentAsinRelations: A_PLUS_SAFE,
  postContentDocumentApprovalSubmission: A_PLUS_SAFE,
  // uploads_2020-11-01.json says 10/10 and the SDK's map 5/5; earlier revisions of the model said
  // .1 and 5, which we keep as the strictest (an A+ document uploads a few images).
  createUploadDestinationForResource: { rate: 0.1, burst: 5 },
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
