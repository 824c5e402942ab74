import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'orders.summary',
  access: 'read',
  description:
    "Aggregated order metrics of the seller for a time range: per interval the order count, unit count, order item count and total sales with currency. Aggregates only, no buyer data. Use Z or offset date-times (e.g. 2026-01-01T00:00:00-08:00); the end is exclusive. HOUR works only within the last 30 days; ranges up to two years.",
  params: Params({
    start_date: Type.String({ minLength: 10, maxLength: 40, description: 'Start, inclusive: ISO 8601 date-time with Z or an offset (a plain YYYY-MM-DD means midnight UTC).' }),
    end_date: Type.String({ minLength: 10, maxLength: 40, description: 'End, exclusive: ISO 8601 date-time with Z or an offset (a plain YYYY-MM-DD means midnight UTC).' }),
    granularity: Type.Union(['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR', 'TOTAL'].map((g) => Type.Literal(g)), {
      description: 'Bucket size of the metrics; TOTAL gives one bucket for the whole range.',
    }),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['getOrderMetrics'],
  async run() {
    return notYetAvailable('orders.summary');
  },
});
