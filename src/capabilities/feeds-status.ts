import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'feeds.status',
  access: 'read',
  description:
    'Gets the processing status of a feed submitted with listings.upload_feed (IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL). When DONE, also summarises the processing report: messages processed, accepted and invalid, and the first errors.',
  params: Params({
    feed_id: Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$', description: 'feed_id returned by listings.upload_feed.' }),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['getFeed', 'getFeedDocument'],
  async run() {
    return notYetAvailable('feeds.status');
  },
});
