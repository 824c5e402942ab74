import type { DiffEntry, ValidationIssue } from '../capabilities/types.js';
import { BrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { applyPatchesLocally, diffAttributes, diffPatches, type Attributes } from './listing-diff.js';
import type { FeedMessageDocument, ListingsFeedDocument, PreparedFeed } from './feed-rules.js';
import { countryOf, type WriteContext } from './write-context.js';

/**
 * Preview and apply of a JSON_LISTINGS_FEED (docs/amazon.md#feeds). Amazon has no validation preview for feeds, so the
 * preview is the broker's, from Amazon's current listings: the first PREVIEW_SKUS distinct SKUs are
 * read (getListingsItem, one call each to spare the seller's quota) and shown in full, one diff
 * entry per attribute as listings.update shows a SKU; the SKUs after them are counted, by operation,
 * in one entry at `/listings`. The summary counts every message by operation and names the SKUs a
 * DELETE removes, so nothing the feed does is hidden behind the first few SKUs.
 * Apply: createFeedDocument → PUT the bytes with exactly the declared content type → createFeed.
 */
export const PREVIEW_SKUS = 5;
const OPERATIONS = ['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'] as const;
type Operation = (typeof OPERATIONS)[number];
/** How many SKUs a summary names in one list before it counts the rest. */
const NAMED_SKUS = 5;

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

/** Messages per operation, in Amazon's order of the operation types; operations with none are left out. */
export function countByOperation(messages: readonly FeedMessageDocument[]): Partial<Record<Operation, number>> {
  const counts: Partial<Record<Operation, number>> = {};
  for (const op of OPERATIONS) {
    const n = messages.filter((m) => m.operationType === op).length;
    if (n > 0) counts[op] = n;
  }
  return counts;
}

/** The messages grouped by SKU, in the order each SKU first appears. */
function bySku(feed: ListingsFeedDocument): Map<string, FeedMessageDocument[]> {
  const groups = new Map<string, FeedMessageDocument[]>();
  for (const message of feed.messages) {
    const group = groups.get(message.sku);
    if (group) group.push(message);
    else groups.set(message.sku, [message]);
  }
  return groups;
}

/** One SKU's diff: its messages applied in order to its current attributes. */
function skuDiff(ctx: WriteContext<unknown>, sku: string, before: Attributes | null, messages: readonly FeedMessageDocument[]): DiffEntry[] {
  const base = `/listings/${encodeURIComponent(sku)}`;
  const diff: DiffEntry[] = [];
  let state: Attributes = before ?? {};
  for (const message of messages) {
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
  return diff;
}

export async function previewListingsFeed(ctx: WriteContext<unknown>, feed: ListingsFeedDocument): Promise<{ diff: DiffEntry[]; issues: ValidationIssue[] }> {
  const groups = [...bySku(feed)];
  const shown = groups.slice(0, PREVIEW_SKUS);
  const rest = groups.slice(PREVIEW_SKUS);
  const diff: DiffEntry[] = [];
  for (const [sku, messages] of shown) diff.push(...skuDiff(ctx, sku, await currentAttributes(ctx, sku), messages));
  const issues: ValidationIssue[] = [
    { code: 'FEED_NO_AMAZON_PREVIEW', message: 'Amazon offers no validation preview for feeds: Amazon reports per-message results after processing (feeds.status)', severity: 'INFO' },
  ];
  if (rest.length > 0) {
    const restMessages = rest.flatMap(([, messages]) => messages);
    diff.push({
      path: '/listings',
      before: null,
      after: { skus_not_shown: rest.length, messages_not_shown: restMessages.length, by_operation: countByOperation(restMessages) },
    });
    issues.push({
      code: 'FEED_PREVIEW_PARTIAL',
      message: `diff_preview shows the first ${shown.length} of ${groups.length} SKUs in full; the other ${rest.length} (${restMessages.length} messages) are counted by operation at /listings`,
      severity: 'INFO',
    });
  }
  return { diff, issues };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const named = (skus: readonly string[]) => skus.slice(0, NAMED_SKUS).join(', ') + (skus.length > NAMED_SKUS ? ` and ${skus.length - NAMED_SKUS} more` : '');

export function feedSummary(ctx: WriteContext<unknown>, prepared: PreparedFeed & { listings: ListingsFeedDocument }): string {
  const { messages } = prepared.listings;
  const size = prepared.bytes.length < 1024 ? `${prepared.bytes.length} bytes` : `${(prepared.bytes.length / 1024).toFixed(1)} KiB`;
  const ops = Object.entries(countByOperation(messages))
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  const skus = [...new Set(messages.map((m) => m.sku))];
  const deleted = [...new Set(messages.filter((m) => m.operationType === 'DELETE').map((m) => m.sku))];
  const deletes = deleted.length > 0 ? `; it deletes ${plural(deleted.length, 'listing')}: ${named(deleted)}` : '';
  return (
    `Upload a ${prepared.feedType} of ${plural(messages.length, 'message')} (${ops}) for ${plural(skus.length, 'SKU')}: ${named(skus)}${deletes}. ` +
    `To ${countryOf(ctx)} as seller ${ctx.connection.sellingPartnerId}, ${size} of ${prepared.contentType}. ` +
    'Amazon processes it asynchronously: check feeds.status with the feed_id.'
  );
}

export async function applyFeed(ctx: WriteContext<unknown>, prepared: PreparedFeed) {
  const { body: document } = await ctx.amazon.call<{ feedDocumentId?: string; url?: string }>({
    operation: 'createFeedDocument',
    method: 'POST',
    path: '/feeds/2021-06-30/documents',
    body: { contentType: prepared.contentType },
  });
  if (!document.feedDocumentId || !document.url) throw new BrokerError('SP_API_ERROR', 'Amazon answered createFeedDocument without feedDocumentId and url', { details: { status: 201, errors: [] } });
  // "The contentType must match the input provided to the createFeedDocument operation" (Feeds API use case guide, step 3).
  await ctx.amazon.upload(document.url, prepared.contentType, prepared.bytes);
  const { body: feed } = await ctx.amazon.call<{ feedId?: string }>({
    operation: 'createFeed',
    method: 'POST',
    path: '/feeds/2021-06-30/feeds',
    body: { feedType: prepared.feedType, marketplaceIds: [ctx.marketplace.id], inputFeedDocumentId: document.feedDocumentId },
  });
  return { feed_id: feed.feedId ?? null, feed_document_id: document.feedDocumentId };
}
