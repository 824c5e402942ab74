/**
 * Feeds API 2021-06-30: createFeedDocument, createFeed, getFeed, getFeeds, cancelFeed, getFeedDocument.
 * Input documents are uploaded with PUT to the returned URL (routes/documents.ts), with the same
 * Content-Type that was declared ([FG] Step 3).
 */
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { invalidInput, notFound, unauthorized } from '../errors.js';
import { genericProcessingReport, JSON_LISTINGS_FEED, LEGACY_LISTINGS_FEED_TYPES, processListingsFeed, type FeedResult } from '../feed-processing.js';
import { appMaySubmit, isKnownFeedType } from '../feed-roles.js';
import { checkMarketplaces, csv, registerOperation, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';
import type { FeedRecord } from '../state.js';
import { enumList } from './listings.js';
import { documentId } from './reports.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs the feed's processing once it has finished (idempotent). */
export function settleFeed(sim: Sim, host: Host, feed: FeedRecord, now = Date.now()): void {
  if (feed.processed || feed.cancelled || sim.state.phase(feed.createdAt, now) !== 'FINISHED') return;
  feed.processed = true;
  const seller = sim.state.sellers.get(feed.sellerId);
  const input = sim.state.feedDocuments.get(feed.inputFeedDocumentId);
  let result: FeedResult;
  if (!seller || !input?.uploaded) result = { outcome: 'FATAL' };
  else if (LEGACY_LISTINGS_FEED_TYPES.includes(feed.feedType)) result = { outcome: 'FATAL' };
  else if (feed.feedType === JSON_LISTINGS_FEED) result = processListingsFeed(feed, seller, input.contentType, input.uploaded);
  else result = genericProcessingReport(feed, feed.sellerId, input);
  feed.outcome = result.outcome;
  if (result.document) {
    const id = documentId(host);
    sim.state.documents.set(id, { id, sellerId: feed.sellerId, content: gzipSync(result.document.content), compressed: true, contentType: result.document.contentType });
    feed.resultFeedDocumentId = id;
  }
}

export function viewFeed(sim: Sim, host: Host, feed: FeedRecord): Record<string, unknown> {
  // One clock reading for both: read twice, a feed finishing in between looked FATAL without a report.
  const now = Date.now();
  settleFeed(sim, host, feed, now);
  const out: Record<string, unknown> = { feedId: feed.feedId, feedType: feed.feedType, marketplaceIds: feed.marketplaceIds, createdTime: iso(feed.createdAt) };
  if (feed.cancelled) return { ...out, processingStatus: 'CANCELLED' };
  const phase = sim.state.phase(feed.createdAt, now);
  if (phase === 'IN_QUEUE') return { ...out, processingStatus: 'IN_QUEUE' };
  const { inQueueMs, inProgressMs } = sim.state.timings;
  out.processingStartTime = iso(feed.createdAt + inQueueMs);
  if (phase === 'IN_PROGRESS') return { ...out, processingStatus: 'IN_PROGRESS' };
  out.processingStatus = feed.outcome ?? 'FATAL';
  out.processingEndTime = iso(feed.createdAt + inQueueMs + inProgressMs);
  if (feed.resultFeedDocumentId) out.resultFeedDocumentId = feed.resultFeedDocumentId;
  return out;
}

function createFeedDocument(op: OpRequest) {
  const body = op.json();
  if (typeof body.contentType !== 'string' || body.contentType.trim() === '') {
    throw invalidInput('Missing required field: contentType.', 'The request body requires contentType (the MIME type of the feed).');
  }
  const id = documentId(op.host);
  op.sim.state.feedDocuments.set(id, { id, sellerId: op.sellerId, contentType: body.contentType, createdAt: Date.now() });
  return { feedDocumentId: id, url: op.host.baseUrl + op.sim.state.signUrl(`/_documents/${encodeURIComponent(id)}`) };
}

function createFeed(op: OpRequest) {
  const body = op.json();
  const { feedType, marketplaceIds, inputFeedDocumentId, feedOptions } = body;
  if (typeof feedType !== 'string' || feedType === '') throw invalidInput('Missing required field: feedType.');
  if (!Array.isArray(marketplaceIds) || marketplaceIds.length < 1 || marketplaceIds.length > 25 || marketplaceIds.some((m) => typeof m !== 'string')) {
    throw invalidInput('Invalid marketplaceIds.', 'marketplaceIds must be an array of 1 to 25 marketplace identifiers.');
  }
  if (typeof inputFeedDocumentId !== 'string' || inputFeedDocumentId === '') throw invalidInput('Missing required field: inputFeedDocumentId.');
  if (feedOptions !== undefined && (typeof feedOptions !== 'object' || feedOptions === null || Object.values(feedOptions).some((v) => typeof v !== 'string'))) {
    throw invalidInput('Invalid feedOptions.', 'feedOptions must be an object whose values are strings.');
  }
  if (!isKnownFeedType(feedType)) throw invalidInput(`Invalid feedType: ${feedType}.`, 'The feed type is not recognized.');
  // The application's roles decide which feed types it may submit; Amazon's 403 says no more than this.
  if (!appMaySubmit(feedType, op.sim.options.appRoles)) throw unauthorized('');
  checkMarketplaces(op, marketplaceIds as string[]);
  const doc = op.sim.state.feedDocuments.get(inputFeedDocumentId);
  if (!doc || doc.sellerId !== op.sellerId) throw invalidInput(`Invalid inputFeedDocumentId: ${inputFeedDocumentId}.`, 'The feed document does not exist.');
  if (!doc.uploaded) throw invalidInput(`The feed document ${inputFeedDocumentId} has no content.`, 'Upload the feed content to the URL returned by createFeedDocument before calling createFeed.');
  const feed: FeedRecord = {
    feedId: op.sim.state.numericId(),
    sellerId: op.sellerId,
    feedType,
    marketplaceIds: [...(marketplaceIds as string[])],
    inputFeedDocumentId,
    feedOptions: feedOptions as Record<string, string> | undefined,
    createdAt: Date.now(),
    processed: false,
  };
  op.sim.state.feeds.set(feed.feedId, feed);
  const { inQueueMs, inProgressMs } = op.sim.state.timings;
  const timer = setTimeout(() => {
    op.sim.timers.delete(timer);
    settleFeed(op.sim, op.host, feed);
  }, inQueueMs + inProgressMs + 5);
  timer.unref();
  op.sim.timers.add(timer);
  return { feedId: feed.feedId };
}

function findFeed(op: OpRequest): FeedRecord {
  const f = op.sim.state.feeds.get(op.params.feedId as string);
  if (!f || f.sellerId !== op.sellerId) throw notFound(`Feed ${op.params.feedId} not found.`, 'The requested feed was not found.');
  return f;
}

function getFeeds(op: OpRequest) {
  let q = op.query;
  if (q.nextToken !== undefined) {
    try {
      q = JSON.parse(Buffer.from(q.nextToken, 'base64url').toString('utf8')) as Record<string, string>;
    } catch {
      throw invalidInput('Invalid nextToken.');
    }
  }
  const types = csv(q, 'feedTypes');
  if (!types || types.length === 0 || types.length > 10) throw invalidInput('feedTypes (1 to 10) or nextToken is required.');
  const statuses = enumList({ ...op, query: q }, 'processingStatuses', ['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE']);
  const size = q.pageSize === undefined ? 10 : Number(q.pageSize);
  if (!Number.isInteger(size) || size < 1 || size > 100) throw invalidInput('pageSize must be between 1 and 100.');
  const offset = Number(q._offset ?? 0);
  const all = [...op.sim.state.feeds.values()]
    .filter((f) => f.sellerId === op.sellerId && types.includes(f.feedType))
    .map((f) => viewFeed(op.sim, op.host, f))
    .filter((f) => statuses.length === 0 || statuses.includes(f.processingStatus as string));
  const out: Record<string, unknown> = { feeds: all.slice(offset, offset + size) };
  if (offset + size < all.length) out.nextToken = Buffer.from(JSON.stringify({ ...q, _offset: String(offset + size) })).toString('base64url');
  return out;
}

export function registerFeeds(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'POST', url: '/feeds/2021-06-30/documents', operationId: 'createFeedDocument' }, (op) => ({
    status: 201,
    body: createFeedDocument(op),
  }));
  registerOperation(app, sim, host, { method: 'POST', url: '/feeds/2021-06-30/feeds', operationId: 'createFeed' }, (op) => ({ status: 202, body: createFeed(op) }));
  registerOperation(app, sim, host, { method: 'GET', url: '/feeds/2021-06-30/feeds', operationId: 'getFeeds' }, (op) => ({ status: 200, body: getFeeds(op) }));
  registerOperation(app, sim, host, { method: 'GET', url: '/feeds/2021-06-30/feeds/:feedId', operationId: 'getFeed' }, (op) => ({
    status: 200,
    body: viewFeed(op.sim, op.host, findFeed(op)),
  }));
  registerOperation(app, sim, host, { method: 'DELETE', url: '/feeds/2021-06-30/feeds/:feedId', operationId: 'cancelFeed' }, (op) => {
    const f = findFeed(op);
    if (f.cancelled || op.sim.state.phase(f.createdAt) !== 'IN_QUEUE') {
      throw invalidInput(`Feed ${f.feedId} cannot be cancelled.`, 'Only feeds with processingStatus IN_QUEUE can be cancelled.');
    }
    f.cancelled = true;
    return { status: 200 };
  });
  registerOperation(app, sim, host, { method: 'GET', url: '/feeds/2021-06-30/documents/:feedDocumentId', operationId: 'getFeedDocument' }, (op) => {
    const id = op.params.feedDocumentId as string;
    const result = op.sim.state.documents.get(id);
    const input = op.sim.state.feedDocuments.get(id);
    if ((!result || result.sellerId !== op.sellerId) && (!input || input.sellerId !== op.sellerId)) {
      throw notFound(`Feed document ${id} not found.`, 'The requested feed document was not found.');
    }
    const encoding = result && op.query.enableContentEncodingUrlHeader === 'true' ? { 'response-content-encoding': 'gzip' } : undefined;
    const body: Record<string, unknown> = { feedDocumentId: id, url: op.host.baseUrl + op.sim.state.signUrl(`/_documents/${encodeURIComponent(id)}`, encoding) };
    if (result) body.compressionAlgorithm = 'GZIP';
    return { status: 200, body };
  });
}
