import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'listings.upload_feed',
  access: 'write',
  description:
    'Proposes a bulk feed upload. For listings use feed_type JSON_LISTINGS_FEED with content as a JSON object {header:{sellerId,version:"2.0"}, messages:[…]} (sellerId is filled in); legacy XML and flat-file listings feeds were retired by Amazon in 2025 and are refused. Other feed categories pass with their content type. Staged until the buyer confirms; then check progress with feeds.status.',
  params: Params({
    feed_type: Type.String({ pattern: '^[A-Z0-9_]{3,100}$', description: 'Amazon feed type, e.g. JSON_LISTINGS_FEED.' }),
    content: Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())], {
      description: 'The feed document: a JSON object for JSON feeds, otherwise the text.',
    }),
    content_type: Type.Optional(
      Type.Union(['application/json', 'text/xml', 'text/tab-separated-values', 'text/plain'].map((t) => Type.Literal(t)), {
        description: 'Content type of the document: application/json (required and default for JSON_LISTINGS_FEED), otherwise text/xml by default.',
      }),
    ),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['createFeedDocument', 'createFeed'],
  async stage() {
    return notYetAvailable('listings.upload_feed');
  },
  async apply() {
    return notYetAvailable('listings.upload_feed');
  },
});
