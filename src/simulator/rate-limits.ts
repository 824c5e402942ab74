/**
 * Default usage plans (rate in requests/second, burst) per operation, as printed in each operation's
 * description in Amazon's models (vendor/amazon-sp-api-models), except where Amazon's newer
 * rate-limit pages say otherwise (`DOCUMENTED_OVERRIDES`). test/simulator/rate-limits.test.ts checks
 * this table against the model files.
 */
export interface RateLimit {
  rate: number;
  burst: number;
}

/**
 * Operations whose current rate-limit page differs from the model text: getListingsItem, burst 5 per
 * https://developer-docs.amazon.com/sp-api/docs/listings-items-api-rate-limits (the model says 10).
 */
export const DOCUMENTED_OVERRIDES: readonly string[] = ['getListingsItem'];

export const RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  getAccount: { rate: 0.016, burst: 15 },
  searchListingsItems: { rate: 5, burst: 5 },
  // Amazon's "Listings Items API rate limits" page: 5 rps, burst 5 (the model still says 10).
  getListingsItem: { rate: 5, burst: 5 },
  patchListingsItem: { rate: 5, burst: 5 },
  putListingsItem: { rate: 5, burst: 10 },
  deleteListingsItem: { rate: 5, burst: 5 },
  searchCatalogItems: { rate: 2, burst: 2 },
  getCatalogItem: { rate: 2, burst: 2 },
  getOrderMetrics: { rate: 0.5, burst: 15 },
  getReports: { rate: 0.0222, burst: 10 },
  createReport: { rate: 0.0167, burst: 15 },
  getReport: { rate: 2, burst: 15 },
  cancelReport: { rate: 0.0222, burst: 10 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  getFeeds: { rate: 0.0222, burst: 10 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  cancelFeed: { rate: 2, burst: 15 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  createContentDocument: { rate: 10, burst: 10 },
  getContentDocument: { rate: 10, burst: 10 },
  validateContentDocumentAsinRelations: { rate: 10, burst: 10 },
  postContentDocumentAsinRelations: { rate: 10, burst: 10 },
  postContentDocumentApprovalSubmission: { rate: 10, burst: 10 },
  getSolicitationActionsForOrder: { rate: 1, burst: 5 },
  createProductReviewAndSellerFeedbackSolicitation: { rate: 1, burst: 5 },
  // uploads_2020-11-01.json says 10 per second, burst 10 (earlier revisions of the model said .1 and 5).
  createUploadDestinationForResource: { rate: 10, burst: 10 },
};

/** `x-amzn-RateLimit-Limit` value: Amazon prints decimals ("2.0", "0.0167"). */
export function formatRate(rate: number): string {
  return Number.isInteger(rate) ? rate.toFixed(1) : String(rate);
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  rate: number;
  burst: number;
}

/** Token buckets per (selling partner, operation): refill `rate`/s up to `burst`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, limit: RateLimit, now = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (!b || b.rate !== limit.rate || b.burst !== limit.burst) {
      b = { tokens: Math.min(b?.tokens ?? limit.burst, limit.burst), updatedAt: now, rate: limit.rate, burst: limit.burst };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(b.burst, b.tokens + ((now - b.updatedAt) / 1000) * b.rate);
    b.updatedAt = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  clear(): void {
    this.buckets.clear();
  }
}
