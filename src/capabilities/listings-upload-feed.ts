import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { WriteAnswer } from './answers.js';
import { BrokerError } from '../errors.js';
import { MAX_FEED_MESSAGES, prepareFeed } from '../writes/feed-rules.js';
import { ACCEPTED_FEED_TYPES, BROKER_ROLES, feedTypeRefusal } from '../writes/feed-types.js';
import { applyFeed, feedSummary, PREVIEW_SKUS, previewListingsFeed } from '../writes/feed-write.js';
import { asIssues, refuseErrors } from '../writes/violations.js';

/** A feed type as Amazon spells them; anything else is left to schema validation (and never echoed). */
const FEED_TYPE_SPELLING = /^[A-Z0-9_]{3,100}$/;

export default defineCapability({
  name: 'listings.upload_feed',
  access: 'write',
  description:
    `Proposes a bulk listings upload: feed_type JSON_LISTINGS_FEED with content as a JSON object {header:{version:"2.0"}, messages:[{messageId, sku, operationType: UPDATE|PARTIAL_UPDATE|PATCH|DELETE, productType, attributes|patches}]} (1–${MAX_FEED_MESSAGES.toLocaleString('en-US')} messages; header.sellerId is always set to the connected seller; the same listing content rules as listings.update). ` +
    `Only listings feeds are sent: SellerShorts holds the ${BROKER_ROLES.join(', ')} roles, so order, refund, fulfillment, FBA and invoicing feeds (POST_ORDER_FULFILLMENT_DATA, POST_PAYMENT_ADJUSTMENT_DATA, UPLOAD_VAT_INVOICE…) are refused naming the role they need, and the legacy XML and flat-file listings feeds Amazon retired on July 31, 2025 are refused too. ` +
    `At most 10 MiB. Staged until the buyer confirms, with a preview of the first ${PREVIEW_SKUS} SKUs from their current listings and the rest counted by operation; then check progress with feeds.status.`,
  params: Params({
    feed_type: Type.Enum([...ACCEPTED_FEED_TYPES], {
      description: `Amazon feed type. Only ${ACCEPTED_FEED_TYPES.join(', ')} (the one feed type of Amazon's Product Listing role); other types are refused naming the role they need.`,
    }),
    content: Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())], {
      description: 'The JSON_LISTINGS_FEED document, as a JSON object (or the same JSON as a string).',
    }),
    content_type: Type.Optional(
      Type.Enum(['application/json', 'text/xml', 'text/tab-separated-values', 'text/plain'], {
        description: 'Content type of the document: application/json, the default and the only one JSON_LISTINGS_FEED takes (the text types are refused for it).',
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
  /** A feed type outside the roles SellerShorts holds is refused naming the role, before schema validation's plainer "must be one of". */
  precheck(params) {
    const feedType = (params as { feed_type?: unknown } | undefined)?.feed_type;
    if (typeof feedType !== 'string' || !FEED_TYPE_SPELLING.test(feedType)) return;
    const refusal = feedTypeRefusal(feedType);
    if (refusal) refuseErrors([refusal]);
  },
  async stage(ctx) {
    const prepared = await prepareFeed(ctx.params, ctx.connection.sellingPartnerId);
    refuseErrors(prepared.violations);
    const listings = prepared.listings;
    if (!listings) throw new BrokerError('INTERNAL_ERROR', 'a feed that passed the feed rules has no document');
    const preview = await previewListingsFeed(ctx, listings);
    return {
      summary: feedSummary(ctx, { ...prepared, listings }),
      diffPreview: preview.diff,
      issues: [...asIssues(prepared.violations), ...preview.issues],
      // The confirmation uploads exactly the checked document (seller id written in), with its content type.
      applyParams: { feed_type: prepared.feedType, content: listings, content_type: prepared.contentType, marketplace_id: ctx.marketplace.id },
    };
  },
  async apply(ctx) {
    // Checked again: a confirmation staged before a rule existed (e.g. an order feed staged before
    // feed types were held to the broker's roles) is refused naming the rule, and nothing is sent.
    const prepared = await prepareFeed(ctx.params, ctx.connection.sellingPartnerId);
    refuseErrors(prepared.violations);
    if (!prepared.listings) throw new BrokerError('INTERNAL_ERROR', 'the staged feed has no document; stage it again');
    return applyFeed(ctx, prepared);
  },
});
