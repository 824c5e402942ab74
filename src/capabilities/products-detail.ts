import Type from 'typebox';
import { encodePathSegment } from '../spapi/types.js';
import { orNotFound } from './amazon-not-found.js';
import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { Attributes, MarketplaceIdField } from './answers.js';
import { CatalogSummaryFields } from './read-helpers/catalog.js';
import { CATALOG_CACHE_TTL_MS, cachedRead } from './read-helpers/cache.js';
import { catalogImages, catalogSummary, salesRanks } from './read-helpers/catalog.js';
import { compact, isRecord, record, records, str, type Json } from './read-helpers/json.js';

/**
 * Catalog Items API 2022-04-01 `getCatalogItem` (docs/amazon.md#catalog-items): 2 rps / burst 2 per
 * seller, so answers are cached for a minute per seller, marketplace and ASIN.
 */
const INCLUDED_DATA = ['summaries', 'attributes', 'images', 'salesRanks', 'productTypes', 'identifiers'];

export default defineCapability({
  name: 'products.detail',
  access: 'read',
  description:
    "Gets Amazon's catalog data for one ASIN in a marketplace: title, brand, images (one per slot: MAIN, PT01…), sales ranks, product type, identifiers (EAN/UPC) and the product attributes (Amazon's attribute names, e.g. bullet_point). Works for any ASIN, not only the seller's own.",
  params: Params({ asin: AsinParam, marketplace_id: MarketplaceIdParam }, [{ asin: SANDBOX.asin }]),
  answer: Type.Object({
    ...CatalogSummaryFields,
    marketplace_id: MarketplaceIdField,
    images: Type.Optional(Type.Array(Type.Object({ variant: Type.String(), url: Type.String(), height: Type.Optional(Type.Integer()), width: Type.Optional(Type.Integer()) }))),
    sales_ranks: Type.Optional(Type.Array(Type.Object({ title: Type.String(), rank: Type.Integer(), link: Type.Optional(Type.String()) }))),
    identifiers: Type.Optional(Type.Array(Type.Object({ type: Type.Optional(Type.String()), value: Type.Optional(Type.String()) }))),
    attributes: Type.Optional(Attributes),
  }),
  operations: ['getCatalogItem'],
  async run(ctx) {
    const marketplaceId = ctx.marketplace.id;
    const asin = ctx.params.asin;
    return cachedRead(ctx.services.store, ctx.amazon, 'getCatalogItem', { marketplaceId, asin }, CATALOG_CACHE_TTL_MS, async () => {
      const response = await orNotFound(
        () =>
          ctx.amazon.call<Json>({
            operation: 'getCatalogItem',
            method: 'GET',
            path: `/catalog/2022-04-01/items/${encodePathSegment(asin)}`,
            query: { marketplaceIds: [marketplaceId], includedData: INCLUDED_DATA },
          }),
        'params.asin',
        `${asin} is not in Amazon's catalog for marketplace ${marketplaceId} (catalog.search finds ASINs)`,
      );
      const item = record(response.body);
      const identifiers = records(records(item.identifiers).find((e) => e.marketplaceId === marketplaceId)?.identifiers).map((i) =>
        compact({ type: str(i.identifierType), value: str(i.identifier) }),
      );
      return compact({
        ...catalogSummary(item, marketplaceId),
        asin: str(item.asin) ?? asin,
        marketplace_id: marketplaceId,
        images: catalogImages(item, marketplaceId),
        sales_ranks: salesRanks(item, marketplaceId),
        identifiers: identifiers.length > 0 ? identifiers : undefined,
        attributes: isRecord(item.attributes) ? item.attributes : undefined,
      });
    });
  },
});
