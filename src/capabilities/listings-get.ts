import Type from 'typebox';
import type { Query } from '../spapi/http.js';
import { encodePathSegment } from '../spapi/types.js';
import { orNotFound } from './amazon-not-found.js';
import { defineCapability } from './types.js';
import { ablate, memoized } from '../bench-ablation.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { SANDBOX } from './examples.js';
import { Attributes, MarketplaceIdField, Money } from './answers.js';
import { compact, isRecord, money, num, record, records, str, strings, type Json } from './read-helpers/json.js';

/**
 * Listings Items API 2021-08-01 `getListingsItem` (docs/amazon.md#listings-items): the SKU goes
 * percent-encoded into the path (Amazon's URL-encoding note; `/`, spaces, `+`, `#` are common in
 * SKUs). Not cached: listings.update reads it right before staging a change.
 */
const INCLUDED_DATA = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability'];

/**
 * The query is the same for every call in one marketplace and locale: frozen, it is encoded once
 * (src/spapi/http.ts buildQuery). Marketplaces and Amazon's locales are few; the bound only guards
 * against a surprise.
 */
const queries = new Map<string, Readonly<Query>>();
function queryFor(marketplaceId: string, languageTag: string): Readonly<Query> {
  const key = `${marketplaceId}\n${languageTag}`;
  let query = queries.get(key);
  if (!query) {
    if (queries.size >= 256) queries.clear();
    query = Object.freeze({ marketplaceIds: [marketplaceId], includedData: INCLUDED_DATA, issueLocale: languageTag });
    queries.set(key, query);
  }
  return query;
}

export const listingIssue = (issue: Json) => {
  const enforcements = record(issue.enforcements);
  const actions = records(enforcements.actions).map((a) => str(a.action)).filter((a): a is string => a !== undefined);
  return compact({
    code: str(issue.code),
    message: str(issue.message),
    severity: str(issue.severity),
    attribute_names: Array.isArray(issue.attributeNames) ? strings(issue.attributeNames) : undefined,
    categories: Array.isArray(issue.categories) ? strings(issue.categories) : undefined,
    enforcement_actions: actions.length > 0 ? actions : undefined,
    exemption_status: str(record(enforcements.exemption).status),
  });
};

const listingSummary = (s: Json) =>
  compact({
    marketplace_id: str(s.marketplaceId),
    asin: str(s.asin),
    product_type: str(s.productType),
    condition_type: str(s.conditionType),
    status: Array.isArray(s.status) ? strings(s.status) : undefined,
    fn_sku: str(s.fnSku),
    item_name: str(s.itemName),
    main_image_url: str(record(s.mainImage).link),
    created_date: str(s.createdDate),
    last_updated_date: str(s.lastUpdatedDate),
  });

export default defineCapability({
  name: 'listings.get',
  access: 'read',
  description:
    "Gets one of the seller's listings by SKU: its attributes (title, bullets, images… keyed by Amazon attribute name, values as Amazon stores them), Amazon's issues with the listing (errors and warnings, with the attributes concerned and any suppression), summaries (asin, status, product type), offers (price) and fulfillment availability (quantity). Read it before proposing listings.update.",
  params: Params({ sku: SkuParam, marketplace_id: MarketplaceIdParam }, [{ sku: SANDBOX.sku }, { sku: SANDBOX.encodedSku, marketplace_id: SANDBOX.marketplaceId }]),
  answer: Type.Object({
    sku: Type.String(),
    marketplace_id: MarketplaceIdField,
    attributes: Attributes,
    issues: Type.Array(
      Type.Object({
        code: Type.Optional(Type.String()),
        message: Type.Optional(Type.String()),
        severity: Type.Optional(Type.String({ description: 'ERROR (may suppress the listing), WARNING or INFO.' })),
        attribute_names: Type.Optional(Type.Array(Type.String())),
        categories: Type.Optional(Type.Array(Type.String())),
        enforcement_actions: Type.Optional(Type.Array(Type.String(), { description: 'e.g. LISTING_SUPPRESSED.' })),
        exemption_status: Type.Optional(Type.String()),
      }),
    ),
    summaries: Type.Array(
      Type.Object({
        marketplace_id: Type.Optional(Type.String()),
        asin: Type.Optional(Type.String()),
        product_type: Type.Optional(Type.String()),
        condition_type: Type.Optional(Type.String()),
        status: Type.Optional(Type.Array(Type.String())),
        fn_sku: Type.Optional(Type.String()),
        item_name: Type.Optional(Type.String()),
        main_image_url: Type.Optional(Type.String()),
        created_date: Type.Optional(Type.String()),
        last_updated_date: Type.Optional(Type.String()),
      }),
    ),
    offers: Type.Array(Type.Object({ marketplace_id: Type.Optional(Type.String()), offer_type: Type.Optional(Type.String()), price: Type.Optional(Money), audience: Type.Optional(Type.String()) })),
    fulfillment_availability: Type.Array(Type.Object({ fulfillment_channel_code: Type.Optional(Type.String()), quantity: Type.Optional(Type.Integer()) })),
  }),
  operations: ['getListingsItem'],
  async run(ctx) {
    const marketplaceId = ctx.marketplace.id;
    // Amazon's 404 stays SP_API_ERROR (the contract's code for Amazon's errors), naming the param.
    const response = await orNotFound(
      () =>
        ctx.amazon.call<Json>({
          operation: 'getListingsItem',
          method: 'GET',
          path: `/listings/2021-08-01/items/${encodePathSegment(ctx.connection.sellingPartnerId)}/${encodePathSegment(ctx.params.sku)}`,
          query: queryFor(marketplaceId, ctx.connection.languageTag),
        }),
      'params.sku',
      `${JSON.stringify(ctx.params.sku)} is not a listing of this seller in marketplace ${marketplaceId} (products.list lists the seller's SKUs)`,
    );
    if (ablate.reshape) return memoized(ablatedAnswers, ctx.params.sku, () => reshape(record(response.body), ctx));
    return reshape(record(response.body), ctx);
  },
});

const ablatedAnswers = new Map<string, ReturnType<typeof reshape>>();

function reshape(item: Json, ctx: { params: { sku: string }; marketplace: { id: string; currency: string } }) {
  const marketplaceId = ctx.marketplace.id;
  return compact({
    sku: str(item.sku) ?? ctx.params.sku,
    marketplace_id: marketplaceId,
    attributes: isRecord(item.attributes) ? item.attributes : {},
    issues: records(item.issues).map(listingIssue),
    summaries: records(item.summaries).map(listingSummary),
    offers: records(item.offers).map((o) =>
      compact({ marketplace_id: str(o.marketplaceId), offer_type: str(o.offerType), price: money(o.price, ctx.marketplace.currency), audience: str(record(o.audience).value) }),
    ),
    fulfillment_availability: records(item.fulfillmentAvailability).map((f) =>
      compact({ fulfillment_channel_code: str(f.fulfillmentChannelCode), quantity: num(f.quantity) }),
    ),
  });
}
