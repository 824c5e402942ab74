/**
 * Which app roles may submit which feed type. Amazon checks the calling application's roles on
 * createFeed: "Each type requires at least one role from its list of possible roles … any one of
 * them grants you access" (https://developer-docs.amazon.com/sp-api/docs/role-mappings-for-types);
 * "If you call an operation for which you don't have the required roles, you get a 403 error"
 * (Amazon's "Selling Partner API Roles" page). The roles per type are those of the feed type values pages
 * (https://developer-docs.amazon.com/sp-api/docs/feed-type-values and the pages per category).
 * The simulator keeps its own table: it is an oracle independent of the broker.
 */
import { JSON_LISTINGS_FEED, LEGACY_LISTINGS_FEED_TYPES } from './feed-processing.js';

const ORDER = ['Inventory and Order Tracking', 'Direct to Consumer Shipping (Restricted)'];
const FBA = ['Amazon Fulfillment'];

export const FEED_TYPE_ROLES: Readonly<Record<string, readonly string[]>> = {
  // Role mappings for types: "Inventory and Order Tracking, Product Listing".
  [JSON_LISTINGS_FEED]: ['Product Listing', 'Inventory and Order Tracking'],
  // Listings feeds of the Product Listing role; Amazon still takes them and ends them FATAL.
  ...Object.fromEntries(LEGACY_LISTINGS_FEED_TYPES.map((type) => [type, ['Product Listing']])),
  // https://developer-docs.amazon.com/sp-api/docs/order-feed-type-values
  POST_ORDER_ACKNOWLEDGEMENT_DATA: ORDER,
  POST_PAYMENT_ADJUSTMENT_DATA: ORDER,
  POST_ORDER_FULFILLMENT_DATA: ORDER,
  POST_INVOICE_CONFIRMATION_DATA: ORDER,
  POST_EXPECTED_SHIP_DATE_SOD: ORDER,
  POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA: ORDER,
  POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA: ORDER,
  POST_FLAT_FILE_FULFILLMENT_DATA: ORDER,
  POST_FLAT_FILE_IL_SNAPSHOT_FEED: ORDER,
  POST_FLAT_FILE_IL_ALLOCATION_REQUESTS_CONFIRMATION_FEED: ORDER,
  POST_EXPECTED_SHIP_DATE_SOD_FLAT_FILE: ORDER,
  // https://developer-docs.amazon.com/sp-api/docs/fba-feeds-attributes
  POST_FULFILLMENT_ORDER_REQUEST_DATA: FBA,
  POST_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA: FBA,
  POST_FBA_INBOUND_CARTON_CONTENTS: FBA,
  POST_FLAT_FILE_FBA_CREATE_REMOVAL: FBA,
  POST_FLAT_FILE_FULFILLMENT_ORDER_REQUEST_DATA: FBA,
  POST_FLAT_FILE_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA: FBA,
  // https://developer-docs.amazon.com/sp-api/docs/invoice-feeds-attributes
  UPLOAD_VAT_INVOICE: ['Tax Invoicing (Restricted)'],
  // https://developer-docs.amazon.com/sp-api/docs/easy-ship-feed-type-values
  POST_EASYSHIP_DOCUMENTS: ['Inventory and Order Tracking', 'Direct to Consumer Shipping (Restricted)', 'Tax Invoicing (Restricted)'],
};

/** The roles SellerShorts' application requests; `startSimulator({ appRoles })` plays another app. */
export const DEFAULT_APP_ROLES: readonly string[] = ['Product Listing', 'Selling Partner Insights', 'Brand Analytics'];

export const isKnownFeedType = (feedType: string): boolean => Object.hasOwn(FEED_TYPE_ROLES, feedType);

/** Whether an app holding `appRoles` may submit `feedType` (a known type). */
export const appMaySubmit = (feedType: string, appRoles: readonly string[]): boolean =>
  (FEED_TYPE_ROLES[feedType] ?? []).some((role) => appRoles.includes(role));
