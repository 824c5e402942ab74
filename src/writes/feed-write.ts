import type { DiffEntry, ValidationIssue } from '../capabilities/types.js';
import { BrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { applyPatchesLocally, diffAttributes, diffPatches, type Attributes } from './listing-diff.js';
import type { ListingsFeedDocument, PreparedFeed } from './feed-rules.js';
import { countryOf, type WriteContext } from './staged.js';

/**
 * Preview and apply of a feed (docs/amazon.md#feeds). Amazon has no validation preview for feeds, so the
 * preview is the broker's: for a JSON_LISTINGS_FEED the current listing of the first
 * PREVIEW_SKUS distinct SKUs is read (getListingsItem) and diffed against their messages; other
 * feed types are passed on as documents the broker cannot interpret.
 * Apply: createFeedDocument → PUT the bytes with exactly the declared content type → createFeed.
 */
export const PREVIEW_SKUS = 5;

async function currentAttributes(ctx: WriteContext<unknown>, sku: string): Promise<Attributes | null> {
  try {
    const { body } = await ctx.amazon.call<{ attributes?: Attributes }>({
      operation: 'getListingsItem',
      method: 'GET',
      path: `/listings/2021-08-01/items/${encodePathSegment(ctx.connection.sellingPartnerId)}/${encodePathSegment(sku)}`,
      query: { marketplaceIds: ctx.marketplace.id, includedData: 'attributes' },
    });
    return body.attributes ?? {};
  } catch (error) {
    // A SKU Amazon does not know yet is a listing the feed creates.
    if (error instanceof BrokerError && (error.details as { status?: unknown } | undefined)?.status === 404) return null;
    throw error;
  }
}

export async function previewListingsFeed(ctx: WriteContext<unknown>, feed: ListingsFeedDocument): Promise<{ diff: DiffEntry[]; issues: ValidationIssue[] }> {
  const skus = [...new Set(feed.messages.map((m) => m.sku))];
  const previewed = skus.slice(0, PREVIEW_SKUS);
  const diff: DiffEntry[] = [];
  for (const sku of previewed) {
    const before = await currentAttributes(ctx, sku);
    const base = `/listings/${encodeURIComponent(sku)}`;
    let state: Attributes = before ?? {};
    for (const message of feed.messages.filter((m) => m.sku === sku)) {
      let next: Attributes;
      let entries: DiffEntry[];
      if (message.operationType === 'DELETE') {
        next = {};
        entries = [{ path: '', before: before === null ? null : state, after: null }];
      } else if (message.operationType === 'PATCH') {
        // As sent: a feed's values without marketplace_id apply to every marketplace of the feed.
        const patches = message.patches ?? [];
        next = applyPatchesLocally(state, patches, ctx.marketplace.id);
        entries = diffPatches(state, patches, ctx.marketplace.id);
      } else {
        const full = message.operationType === 'UPDATE';
        next = full ? { ...message.attributes } : { ...state, ...message.attributes };
        entries = diffAttributes(state, message.attributes ?? {}, full);
      }
      diff.push(...entries.map((e) => ({ ...e, path: `${base}${e.path}` })));
      state = next;
    }
  }
  const issues: ValidationIssue[] = [
    { code: 'FEED_NO_AMAZON_PREVIEW', message: 'Amazon offers no validation preview for feeds: Amazon reports per-message results after processing (feeds.status)', severity: 'INFO' },
  ];
  if (skus.length > previewed.length) {
    issues.push({ code: 'FEED_PREVIEW_PARTIAL', message: `diff_preview shows the first ${previewed.length} of ${skus.length} SKUs`, severity: 'INFO' });
  }
  return { diff, issues };
}

export function feedSummary(ctx: WriteContext<unknown>, prepared: PreparedFeed): string {
  const size = prepared.bytes.length < 1024 ? `${prepared.bytes.length} bytes` : `${(prepared.bytes.length / 1024).toFixed(1)} KiB`;
  const where = `to ${countryOf(ctx)}, ${size} of ${prepared.declaredContentType}`;
  if (!prepared.listings) return `Upload a ${prepared.feedType} feed ${where}. Amazon processes it asynchronously: check feeds.status with the feed_id.`;
  const counts = new Map<string, number>();
  for (const m of prepared.listings.messages) counts.set(m.operationType, (counts.get(m.operationType) ?? 0) + 1);
  const ops = [...counts].map(([op, n]) => `${n} ${op}`).join(', ');
  const skus = [...new Set(prepared.listings.messages.map((m) => m.sku))];
  const shown = skus.slice(0, 5).join(', ') + (skus.length > 5 ? ` and ${skus.length - 5} more` : '');
  return `Upload a JSON_LISTINGS_FEED of ${prepared.listings.messages.length} message(s) (${ops}) for SKU(s) ${shown} ${where}, as seller ${ctx.connection.sellingPartnerId}. Amazon processes it asynchronously: check feeds.status with the feed_id.`;
}

export async function applyFeed(ctx: WriteContext<unknown>, prepared: PreparedFeed) {
  const { body: document } = await ctx.amazon.call<{ feedDocumentId?: string; url?: string }>({
    operation: 'createFeedDocument',
    method: 'POST',
    path: '/feeds/2021-06-30/documents',
    body: { contentType: prepared.declaredContentType },
  });
  if (!document.feedDocumentId || !document.url) throw new BrokerError('SP_API_ERROR', 'Amazon answered createFeedDocument without feedDocumentId and url', { details: { status: 201, errors: [] } });
  // The upload's Content-Type must equal the one declared to createFeedDocument
  // (docs/amazon.md#feeds).
  await ctx.amazon.upload(document.url, prepared.declaredContentType, prepared.bytes);
  const { body: feed } = await ctx.amazon.call<{ feedId?: string }>({
    operation: 'createFeed',
    method: 'POST',
    path: '/feeds/2021-06-30/feeds',
    body: { feedType: prepared.feedType, marketplaceIds: [ctx.marketplace.id], inputFeedDocumentId: document.feedDocumentId },
  });
  return { feed_id: feed.feedId ?? null, feed_document_id: document.feedDocumentId };
}
