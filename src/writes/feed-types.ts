import { violation, type Violation } from './violations.js';

/**
 * Which feed types listings.upload_feed sends, and why the others are refused. Amazon permits a feed
 * type to applications that hold one of its roles ("Each type requires at least one role from its
 * list of possible roles", https://developer-docs.amazon.com/sp-api/docs/role-mappings-for-types);
 * SellerShorts' application holds exactly Product Listing, Selling Partner Insights and Brand
 * Analytics, and this is a listings capability. Of the feed types Amazon lists
 * (https://developer-docs.amazon.com/sp-api/docs/feed-type-values), the Listings category holds one:
 * JSON_LISTINGS_FEED, "Roles: Product Listing"
 * (https://developer-docs.amazon.com/sp-api/docs/listings-feed-type-values). Anything else would be
 * refused by Amazon with 403, or — were the app ever granted more — would let an agent refund
 * orders or confirm shipments through a listings capability; it is refused before anything is sent.
 */
export const JSON_LISTINGS_FEED = 'JSON_LISTINGS_FEED';
export const ACCEPTED_FEED_TYPES = [JSON_LISTINGS_FEED] as const;

/** The roles SellerShorts' application registration requests (docs/amazon.md). */
export const BROKER_ROLES = ['Product Listing', 'Selling Partner Insights', 'Brand Analytics'] as const;

/** Legacy XML / flat-file listings feeds: "Starting July 31, 2025, the Feeds API no longer supports legacy XML and flat file listing feeds" (https://developer-docs.amazon.com/sp-api/docs/listings-migration-resources). */
export const RETIRED_FEED_TYPES = new Set([
  'POST_PRODUCT_DATA',
  'POST_INVENTORY_AVAILABILITY_DATA',
  'POST_PRODUCT_OVERRIDES_DATA',
  'POST_PRODUCT_PRICING_DATA',
  'POST_PRODUCT_IMAGE_DATA',
  'POST_PRODUCT_RELATIONSHIP_DATA',
  'POST_FLAT_FILE_INVLOADER_DATA',
  'POST_FLAT_FILE_BOOKLOADER_DATA',
  'POST_FLAT_FILE_CONVERGENCE_LISTINGS_DATA',
  'POST_FLAT_FILE_LISTINGS_DATA',
  'POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA',
  'POST_UIEE_BOOKLOADER_DATA',
]);

interface FeedCategory {
  /** Amazon's name of the category, as on its feed type values page. */
  name: string;
  /** Roles Amazon names for its feed types; any one permits them. */
  roles: readonly string[];
  source: string;
  types: readonly string[];
}

/** Amazon's other feed categories, with the roles its pages name for them. */
const OTHER_CATEGORIES: readonly FeedCategory[] = [
  {
    name: 'Order',
    roles: ['Inventory and Order Tracking', 'Direct to Consumer Shipping (Restricted)'],
    source: 'https://developer-docs.amazon.com/sp-api/docs/order-feed-type-values',
    types: [
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      'POST_PAYMENT_ADJUSTMENT_DATA',
      'POST_ORDER_FULFILLMENT_DATA',
      'POST_INVOICE_CONFIRMATION_DATA',
      'POST_EXPECTED_SHIP_DATE_SOD',
      'POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA',
      'POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA',
      'POST_FLAT_FILE_FULFILLMENT_DATA',
      'POST_FLAT_FILE_IL_SNAPSHOT_FEED',
      'POST_FLAT_FILE_IL_ALLOCATION_REQUESTS_CONFIRMATION_FEED',
      'POST_EXPECTED_SHIP_DATE_SOD_FLAT_FILE',
    ],
  },
  {
    name: 'Fulfillment by Amazon',
    roles: ['Amazon Fulfillment'],
    source: 'https://developer-docs.amazon.com/sp-api/docs/fba-feeds-attributes',
    types: [
      'POST_FULFILLMENT_ORDER_REQUEST_DATA',
      'POST_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA',
      'POST_FBA_INBOUND_CARTON_CONTENTS',
      'POST_FLAT_FILE_FBA_CREATE_REMOVAL',
      'POST_FLAT_FILE_FULFILLMENT_ORDER_REQUEST_DATA',
      'POST_FLAT_FILE_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA',
    ],
  },
  {
    name: 'Invoicing',
    roles: ['Tax Invoicing (Restricted)'],
    source: 'https://developer-docs.amazon.com/sp-api/docs/invoice-feeds-attributes',
    types: ['UPLOAD_VAT_INVOICE'],
  },
  {
    name: 'Easy Ship',
    roles: ['Inventory and Order Tracking', 'Direct to Consumer Shipping (Restricted)', 'Tax Invoicing (Restricted)'],
    source: 'https://developer-docs.amazon.com/sp-api/docs/easy-ship-feed-type-values',
    types: ['POST_EASYSHIP_DOCUMENTS'],
  },
];

/** Well-known feed type → its Amazon category and roles. */
export const FEED_TYPE_CATEGORY: ReadonlyMap<string, FeedCategory> = new Map(OTHER_CATEGORIES.flatMap((c) => c.types.map((t) => [t, c] as const)));

const isAccepted = (feedType: string): feedType is (typeof ACCEPTED_FEED_TYPES)[number] => (ACCEPTED_FEED_TYPES as readonly string[]).includes(feedType);
const takes = `listings.upload_feed takes ${ACCEPTED_FEED_TYPES.join(', ')} (Product Listing role)`;
const orList = (roles: readonly string[]) => (roles.length < 2 ? roles.join('') : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`);

/** Why a feed type is refused (rule FEED_TYPE_RETIRED / FEED_TYPE_ROLE_NOT_HELD / FEED_TYPE_UNKNOWN), or undefined for an accepted one. */
export function feedTypeRefusal(feedType: string, field = 'params.feed_type'): Violation | undefined {
  if (isAccepted(feedType)) return undefined;
  if (RETIRED_FEED_TYPES.has(feedType)) {
    const inventory = feedType === 'POST_INVENTORY_AVAILABILITY_DATA' ? ' (for quantities, PATCH /attributes/fulfillment_availability in it)' : '';
    return violation('FEED_TYPE_RETIRED', field, `${feedType} was retired by Amazon on July 31, 2025 with the other legacy XML and flat-file listings feeds; use JSON_LISTINGS_FEED${inventory}`);
  }
  const category = FEED_TYPE_CATEGORY.get(feedType);
  if (category) {
    return violation(
      'FEED_TYPE_ROLE_NOT_HELD',
      field,
      `${feedType} is an Amazon ${category.name} feed, permitted to applications holding the ${orList(category.roles)} role (${category.source}); SellerShorts holds ${BROKER_ROLES.join(', ')}, so it cannot send it: ${takes}`,
    );
  }
  return violation('FEED_TYPE_UNKNOWN', field, `${feedType} is not a feed type Amazon lists (https://developer-docs.amazon.com/sp-api/docs/feed-type-values); ${takes}`);
}
