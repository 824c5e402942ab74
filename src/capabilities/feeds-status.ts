import Type from 'typebox';
import { isBrokerError, notFound } from '../errors.js';
import { feedOwnerOrder } from '../confirmations/feed-owner.js';
import { openDocumentById } from '../spapi/document-by-id.js';
import { encodePathSegment } from '../spapi/types.js';
import { orNotFound } from './amazon-not-found.js';
import { defineCapability, type CapabilityContext } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { FeedReportSummarySchema } from './read-helpers/feed-report.js';
import { charsetOf } from './read-helpers/document-text.js';
import type { FeedReportSummary } from './read-helpers/feed-report.js';
import { summarizeFeedReportStream } from './read-helpers/feed-report-stream.js';
import { compact, record, str, strings, type Json } from './read-helpers/json.js';

/**
 * Feeds API 2021-06-30 (docs/amazon.md#feeds): getFeed (2 rps) for the status, then — once DONE (or
 * FATAL with a report) — getFeedDocument and the download of the processing report. getFeedDocument
 * allows one call per 45 s per seller, and a finished feed's report never changes, so its summary is
 * kept per seller and feed for a day: repeated status calls spend nothing but getFeed.
 */
const SUMMARY_TTL_MS = 24 * 3_600_000;
const FEED_POLL_AFTER_S = 10;

const summaryKey = (ctx: CapabilityContext<unknown>, feedId: string, documentId: string) =>
  `feeds:report-summary:${ctx.connection.region}:${ctx.connection.sellingPartnerId}:${feedId}:${documentId}`;

async function processingReport(ctx: CapabilityContext<unknown>, feedId: string, documentId: string): Promise<FeedReportSummary> {
  const key = summaryKey(ctx, feedId, documentId);
  const cached = await ctx.services.store.get(key).catch(() => null);
  if (cached) {
    try {
      return JSON.parse(cached) as FeedReportSummary;
    } catch {
      // corrupt entry: fetch again
    }
  }
  // Streamed: a big feed's report lists an issue per message, and only a summary is kept.
  const downloaded = await openDocumentById(ctx.amazon, 'getFeedDocument', documentId);
  const summary = await summarizeFeedReportStream(downloaded.chunks, charsetOf(downloaded.contentType));
  await ctx.services.store.set(key, JSON.stringify(summary), SUMMARY_TTL_MS).catch(() => {});
  return summary;
}

export default defineCapability({
  name: 'feeds.status',
  access: 'read',
  description:
    'Gets the processing status of a feed submitted with listings.upload_feed (IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL). When the feed has finished, also summarises its processing report in processing_report: messages processed, accepted and invalid, error and warning counts, and the first 10 issues (errors first) with sku, code, message and attribute. If Amazon will not hand out the report right now, processing_report_error says why and the status is still given.',
  params: Params({
    feed_id: Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$', description: 'feed_id returned by listings.upload_feed.' }),
    marketplace_id: MarketplaceIdParam,
  }, [{ feed_id: SANDBOX.feedId }]),
  answer: Type.Object({
    feed_id: Type.String(),
    feed_type: Type.Optional(Type.String()),
    processing_status: Type.String({ description: 'IN_QUEUE, IN_PROGRESS, DONE, CANCELLED or FATAL.' }),
    marketplace_ids: Type.Array(Type.String()),
    created_time: Type.Optional(Type.String()),
    processing_start_time: Type.Optional(Type.String()),
    processing_end_time: Type.Optional(Type.String()),
    result_document_id: Type.Optional(Type.String()),
    retry_after_s: Type.Optional(Type.Integer({ description: 'While IN_QUEUE or IN_PROGRESS: seconds to wait before asking again.' })),
    processing_report: Type.Optional(Type.Union([FeedReportSummarySchema, Type.Null()], { description: 'Once DONE or FATAL: counts and the first issues of Amazon\'s processing report.' })),
    processing_report_error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), retry_after_s: Type.Optional(Type.Integer()) })),
  }),
  operations: ['getFeed', 'getFeedDocument'],
  async run(ctx) {
    const owner = await feedOwnerOrder(ctx.services.db, ctx.params.feed_id);
    if (owner !== undefined && owner !== ctx.job.orderId) {
      throw notFound(`params.feed_id ${ctx.params.feed_id} is not a feed of this order`, { field: 'params.feed_id' });
    }
    const response = await orNotFound(
      () => ctx.amazon.call<Json>({ operation: 'getFeed', method: 'GET', path: `/feeds/2021-06-30/feeds/${encodePathSegment(ctx.params.feed_id)}` }),
      'params.feed_id',
      `${ctx.params.feed_id} is not a feed of this seller (listings.upload_feed answers the feed_id once applied)`,
    );
    const feed = record(response.body);
    const status = str(feed.processingStatus) ?? 'UNKNOWN';
    const documentId = str(feed.resultFeedDocumentId);
    const out: Json = compact({
      feed_id: str(feed.feedId) ?? ctx.params.feed_id,
      feed_type: str(feed.feedType),
      processing_status: status,
      marketplace_ids: strings(feed.marketplaceIds),
      created_time: str(feed.createdTime),
      processing_start_time: str(feed.processingStartTime),
      processing_end_time: str(feed.processingEndTime),
      result_document_id: documentId,
      // Polling answers say when to ask again (getFeed allows 2 rps; Amazon takes minutes per feed).
      retry_after_s: status === 'IN_QUEUE' || status === 'IN_PROGRESS' ? FEED_POLL_AFTER_S : undefined,
    });
    if (documentId && (status === 'DONE' || status === 'FATAL')) {
      try {
        out.processing_report = await processingReport(ctx, str(feed.feedId) ?? ctx.params.feed_id, documentId);
      } catch (error) {
        // The status is the answer; the report is a bonus that Amazon's tight quota may withhold.
        if (!isBrokerError(error) || (error.code !== 'RATE_LIMIT' && error.code !== 'SP_API_ERROR')) throw error;
        out.processing_report = null;
        out.processing_report_error = compact({ code: error.code, message: error.message, retry_after_s: error.retryAfterS });
      }
    }
    return out;
  },
});
