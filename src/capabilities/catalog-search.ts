import Type from 'typebox';
import { invalidRequest } from '../errors.js';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, PageSizeParam, PageTokenParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { MarketplaceIdField } from './answers.js';
import { CATALOG_CACHE_TTL_MS, cachedRead } from './read-helpers/cache.js';
import { catalogSummary, mainImageUrl, salesRanks } from './read-helpers/catalog.js';
import { compact, num, record, records, str, type Json } from './read-helpers/json.js';

/**
 * Catalog Items API 2022-04-01 `searchCatalogItems` (docs/amazon.md#catalog-items): one marketplace
 * per call, keywords xor identifiers (≤ 20 each), 2 rps / burst 2 per seller — answers are cached
 * for a minute per seller and params.
 */
const INCLUDED_DATA = ['summaries', 'images', 'salesRanks'];
const IDENTIFIER_TYPES = ['ASIN', 'EAN', 'GTIN', 'ISBN', 'JAN', 'MINSAN', 'SKU', 'UPC'] as const;

/**
 * Amazon's `keywords` is one comma-delimited list of at most 20 (catalogItems_2022-04-01 model): a
 * phrase is split into its words, and a listed word containing commas counts as several.
 */
export function keywordList(keywords: string | string[]): string[] {
  const words = (Array.isArray(keywords) ? keywords.flatMap((w) => w.split(',')) : keywords.split(/[\s,]+/)).map((w) => w.trim()).filter((w) => w.length > 0);
  if (words.length === 0) throw invalidRequest('keywords must contain at least one word', { field: 'params.keywords' });
  if (words.length > 20) throw invalidRequest(`Amazon accepts at most 20 keywords; got ${words.length}`, { field: 'params.keywords' });
  return words;
}

export default defineCapability({
  name: 'catalog.search',
  access: 'read',
  description:
    "Searches Amazon's catalog in one marketplace, either by keywords or by up to 20 identifiers (ASIN, EAN, UPC, GTIN, ISBN, JAN, MINSAN, SKU) — not both. Returns asin, title, brand, main image and best sales rank per item, Amazon's (estimated, for keywords) number_of_results, and next_page_token. Amazon pages through at most 1,000 results.",
  params: Params({
    keywords: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 })], {
        description: 'Search words: a phrase (split into words), or a list of up to 20 words. Not with identifiers.',
      }),
    ),
    identifiers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20, description: 'Up to 20 product identifiers of one type. Needs identifiers_type.' }),
    ),
    identifiers_type: Type.Optional(Type.Enum(IDENTIFIER_TYPES, { description: 'Type of the identifiers (SKU means the seller\'s own SKUs).' })),
    marketplace_id: MarketplaceIdParam,
    page_size: PageSizeParam,
    page_token: PageTokenParam,
  }, [{ keywords: 'coffee mug' }, { identifiers: [SANDBOX.asin], identifiers_type: 'ASIN' }]),
  answer: Type.Object({
    marketplace_id: MarketplaceIdField,
    items: Type.Array(
      Type.Object({
        asin: Type.String(),
        title: Type.Optional(Type.String()),
        brand: Type.Optional(Type.String()),
        browse_classification: Type.Optional(Type.String()),
        product_type: Type.Optional(Type.String()),
        main_image_url: Type.Optional(Type.String()),
        sales_rank: Type.Optional(Type.Object({ title: Type.Optional(Type.String()), rank: Type.Optional(Type.Integer()) })),
      }),
    ),
    number_of_results: Type.Optional(Type.Integer({ description: "Amazon's count (an estimate for keywords)." })),
    next_page_token: Type.Optional(Type.String()),
    brand_refinements: Type.Optional(Type.Array(Type.Unknown())),
  }),
  operations: ['searchCatalogItems'],
  async run(ctx) {
    const { keywords, identifiers, identifiers_type: identifiersType } = ctx.params;
    if (keywords !== undefined && identifiers !== undefined) {
      throw invalidRequest('pass keywords or identifiers, not both (Amazon refuses the combination)', { field: 'params.identifiers' });
    }
    if (keywords === undefined && identifiers === undefined) throw invalidRequest('keywords or identifiers is required', { field: 'params.keywords' });
    if (identifiers !== undefined && identifiersType === undefined) throw invalidRequest('identifiers_type is required with identifiers', { field: 'params.identifiers_type' });
    if (identifiersType !== undefined && identifiers === undefined) throw invalidRequest('identifiers_type needs identifiers', { field: 'params.identifiers' });

    const marketplaceId = ctx.marketplace.id;
    const query = {
      marketplaceIds: [marketplaceId],
      ...(keywords !== undefined ? { keywords: keywordList(keywords) } : { identifiers, identifiersType }),
      // Amazon needs the seller for SKU lookups: always the connection's own seller.
      ...(identifiersType === 'SKU' ? { sellerId: ctx.connection.sellingPartnerId } : {}),
      includedData: INCLUDED_DATA,
      pageSize: ctx.params.page_size ?? 10,
      pageToken: ctx.params.page_token,
    };
    return cachedRead(ctx.services.store, ctx.amazon, 'searchCatalogItems', query, CATALOG_CACHE_TTL_MS, async () => {
      const response = await ctx.amazon.call<Json>({ operation: 'searchCatalogItems', method: 'GET', path: '/catalog/2022-04-01/items', query });
      const body = record(response.body);
      const brands = records(record(body.refinements).brands)
        .map((b) => compact({ brand: str(b.brandName), number_of_results: num(b.numberOfResults) }))
        .slice(0, 10);
      return compact({
        marketplace_id: marketplaceId,
        items: records(body.items).map((item) => {
          const { asin, title, brand, browse_classification, product_type } = catalogSummary(item, marketplaceId);
          const rank = salesRanks(item, marketplaceId)?.[0];
          return compact({
            asin,
            title,
            brand,
            browse_classification,
            product_type,
            main_image_url: mainImageUrl(item, marketplaceId),
            sales_rank: rank ? compact({ title: rank.title, rank: rank.rank }) : undefined,
          });
        }),
        number_of_results: num(body.numberOfResults),
        next_page_token: str(record(body.pagination).nextToken),
        brand_refinements: brands.length > 0 ? brands : undefined,
      });
    });
  },
});
