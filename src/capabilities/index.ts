import type { Capability } from './types.js';
import connectStatus from './connect-status.js';
import productsList from './products-list.js';
import productsDetail from './products-detail.js';
import catalogSearch from './catalog-search.js';
import feedsStatus from './feeds-status.js';
import ordersSummary from './orders-summary.js';
import analyticsFetch from './analytics-fetch.js';
import accountHealthFetch from './account-health-fetch.js';
import listingsGet from './listings-get.js';
import listingsUpdate from './listings-update.js';
import listingsUpdateImages from './listings-update-images.js';
import listingsUploadFeed from './listings-upload-feed.js';
import listingsAPlusGenerate from './listings-a-plus-generate.js';
import messagingRequestReview from './messaging-request-review.js';

/** Every capability the broker exposes. Adding one is adding its module and a line here. */
export const CAPABILITIES: readonly Capability[] = [
  connectStatus,
  productsList,
  productsDetail,
  catalogSearch,
  feedsStatus,
  ordersSummary,
  analyticsFetch,
  accountHealthFetch,
  listingsGet,
  listingsUpdate,
  listingsUpdateImages,
  listingsUploadFeed,
  listingsAPlusGenerate,
  messagingRequestReview,
] as Capability[];

const BY_NAME = new Map(CAPABILITIES.map((capability) => [capability.name, capability]));

export const CAPABILITY_NAMES = CAPABILITIES.map((capability) => capability.name);

export function findCapability(name: string): Capability | undefined {
  return BY_NAME.get(name);
}
