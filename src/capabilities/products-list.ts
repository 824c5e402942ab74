import Type from 'typebox';
import { encodePathSegment } from '../spapi/types.js';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, PageSizeParam, PageTokenParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { MarketplaceIdField, Money } from './answers.js';
import { compact, money, num, record, records, str, strings, type Json } from './read-helpers/json.js';

/**
 * Listings Items API 2021-08-01 `searchListingsItems` (docs/amazon.md#listings-items): 5 rps /
 * burst 5, at most 20 per page and 1,000 SKUs in total. The extra datasets cost no extra quota and
 * give an agent price, quantity and issue counts without one getListingsItem per SKU.
 */
const INCLUDED_DATA = ['summaries', 'offers', 'fulfillmentAvailability', 'issues'];

export function listItem(item: Json, marketplaceId: string, currency: string) {
  const summaries = records(item.summaries);
  const summary = summaries.find((s) => s.marketplaceId === marketplaceId) ?? summaries[0] ?? {};
  const offer = records(item.offers).find((o) => o.marketplaceId === marketplaceId && (o.offerType ?? 'B2C') === 'B2C');
  const availability = records(item.fulfillmentAvailability);
  const quantities = availability.map((a) => num(a.quantity)).filter((q): q is number => q !== undefined);
  const issues = records(item.issues);
  const count = (severity: string) => issues.filter((i) => i.severity === severity).length;
  return compact({
    sku: str(item.sku) ?? '',
    asin: str(summary.asin),
    title: str(summary.itemName),
    status: Array.isArray(summary.status) ? strings(summary.status) : undefined,
    product_type: str(summary.productType),
    condition_type: str(summary.conditionType),
    price: offer ? money(offer.price, currency) : undefined,
    quantity: quantities.length > 0 ? quantities.reduce((a, b) => a + b, 0) : undefined,
    fulfillment_channels: availability.length > 0 ? availability.map((a) => str(a.fulfillmentChannelCode)).filter((c): c is string => c !== undefined) : undefined,
    issue_counts: Array.isArray(item.issues) ? { errors: count('ERROR'), warnings: count('WARNING') } : undefined,
    main_image_url: str(record(summary.mainImage).link),
    created_date: str(summary.createdDate),
    last_updated_date: str(summary.lastUpdatedDate),
  });
}

export default defineCapability({
  name: 'products.list',
  access: 'read',
  description:
    "Lists the seller's own listings (SKUs) in a marketplace, most recently updated first, one page at a time: sku, asin, title, status (BUYABLE/DISCOVERABLE), price, quantity and counts of Amazon's issues per listing. Pass next_page_token back as page_token for more. Amazon pages through at most 1,000 SKUs.",
  params: Params({ marketplace_id: MarketplaceIdParam, page_size: PageSizeParam, page_token: PageTokenParam }, [{ page_size: 5 }]),
  answer: Type.Object({
    marketplace_id: MarketplaceIdField,
    items: Type.Array(
      Type.Object({
        sku: Type.String(),
        asin: Type.Optional(Type.String()),
        title: Type.Optional(Type.String()),
        status: Type.Optional(Type.Array(Type.String(), { description: 'BUYABLE, DISCOVERABLE.' })),
        product_type: Type.Optional(Type.String()),
        condition_type: Type.Optional(Type.String()),
        price: Type.Optional(Money),
        quantity: Type.Optional(Type.Integer()),
        fulfillment_channels: Type.Optional(Type.Array(Type.String())),
        issue_counts: Type.Optional(Type.Object({ errors: Type.Integer(), warnings: Type.Integer() })),
        main_image_url: Type.Optional(Type.String()),
        created_date: Type.Optional(Type.String()),
        last_updated_date: Type.Optional(Type.String()),
      }),
    ),
    number_of_results: Type.Optional(Type.Integer()),
    next_page_token: Type.Optional(Type.String({ description: 'Pass it back as page_token for the next page.' })),
  }),
  operations: ['searchListingsItems'],
  async run(ctx) {
    const marketplaceId = ctx.marketplace.id;
    const response = await ctx.amazon.call<Json>({
      operation: 'searchListingsItems',
      method: 'GET',
      // The seller id is the connection's, never anything the agent sent.
      path: `/listings/2021-08-01/items/${encodePathSegment(ctx.connection.sellingPartnerId)}`,
      query: {
        marketplaceIds: [marketplaceId],
        includedData: INCLUDED_DATA,
        pageSize: ctx.params.page_size ?? 10,
        pageToken: ctx.params.page_token,
      },
    });
    const body = record(response.body);
    return compact({
      marketplace_id: marketplaceId,
      items: records(body.items).map((item) => listItem(item, marketplaceId, ctx.marketplace.currency)),
      number_of_results: num(body.numberOfResults),
      next_page_token: str(record(body.pagination).nextToken),
    });
  },
});
