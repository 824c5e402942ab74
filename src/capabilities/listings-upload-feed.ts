import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { WriteAnswer } from './answers.js';
import { BrokerError } from '../errors.js';
import { JSON_LISTINGS_FEED, prepareFeed, type FeedInput } from '../writes/feed-rules.js';
import { applyFeed, feedSummary, previewListingsFeed } from '../writes/feed-write.js';
import { asIssues, refuseErrors } from '../writes/violations.js';

export default defineCapability({
  name: 'listings.upload_feed',
  access: 'write',
  description:
    'Proposes a bulk feed upload. For listings use feed_type JSON_LISTINGS_FEED with content as a JSON object {header:{version:"2.0"}, messages:[{messageId, sku, operationType: UPDATE|PARTIAL_UPDATE|PATCH|DELETE, productType, attributes|patches}]} (1–25,000 messages; header.sellerId is always set to the connected seller). Legacy XML and flat-file listings feeds (POST_PRODUCT_DATA, POST_INVENTORY_AVAILABILITY_DATA, POST_FLAT_FILE_LISTINGS_DATA…) were retired by Amazon on July 31, 2025 and are refused. Other feed categories pass with their content type (text/xml by default, text/tab-separated-values, text/plain). At most 10 MiB. Staged until the buyer confirms; then check progress with feeds.status.',
  params: Params({
    feed_type: Type.String({ pattern: '^[A-Z0-9_]{3,100}$', description: 'Amazon feed type, e.g. JSON_LISTINGS_FEED.' }),
    content: Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())], {
      description: 'The feed document: a JSON object for JSON feeds, otherwise the text.',
    }),
    content_type: Type.Optional(
      Type.Enum(['application/json', 'text/xml', 'text/tab-separated-values', 'text/plain'], {
        description: 'Content type of the document: application/json (required and default for JSON_LISTINGS_FEED), otherwise text/xml by default.',
      }),
    ),
    marketplace_id: MarketplaceIdParam,
  }, [
    {
      feed_type: 'JSON_LISTINGS_FEED',
      content: {
        header: { version: '2.0' },
        messages: [
          {
            messageId: 1,
            sku: SANDBOX.sku,
            operationType: 'PATCH',
            productType: SANDBOX.productType,
            patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Northwind Goods Stoneware Coffee Mug, 12 oz' }] }],
          },
        ],
      },
    },
  ]),
  answer: WriteAnswer(
    Type.Object({ feed_id: Type.Union([Type.String(), Type.Null()], { description: 'Follow it with feeds.status.' }), feed_document_id: Type.String() }),
  ),
  operations: ['getListingsItem', 'createFeedDocument', 'createFeed'],
  async stage(ctx) {
    const prepared = prepareFeed(ctx.params as FeedInput, ctx.connection.sellingPartnerId);
    refuseErrors(prepared.violations);
    const preview = prepared.listings
      ? await previewListingsFeed(ctx, prepared.listings)
      : {
          diff: [],
          issues: [{ code: 'FEED_NOT_PREVIEWED', message: `the broker cannot preview the effect of a ${prepared.feedType} feed; Amazon reports the result after processing (feeds.status)`, severity: 'INFO' as const }],
        };
    return {
      summary: feedSummary(ctx, prepared),
      diffPreview: preview.diff,
      issues: [...asIssues(prepared.violations), ...preview.issues],
      // The confirmation uploads exactly the checked document (seller id written in), with its content type.
      applyParams: {
        feed_type: prepared.feedType,
        content: prepared.listings ?? ctx.params.content,
        content_type: prepared.contentType,
        marketplace_id: ctx.marketplace.id,
      },
    };
  },
  async apply(ctx) {
    const prepared = prepareFeed(ctx.params as FeedInput, ctx.connection.sellingPartnerId);
    if (prepared.violations.some((v) => v.severity === 'ERROR') || (prepared.feedType === JSON_LISTINGS_FEED && !prepared.listings)) {
      throw new BrokerError('INTERNAL_ERROR', 'the staged feed no longer passes the feed rules; stage it again');
    }
    return applyFeed(ctx, prepared);
  },
});
