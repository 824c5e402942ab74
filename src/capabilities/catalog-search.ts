import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, PageSizeParam, PageTokenParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'catalog.search',
  access: 'read',
  description:
    "Searches Amazon's catalog in one marketplace, either by keywords or by up to 20 identifiers (ASIN, EAN, UPC, GTIN, ISBN, JAN, MINSAN, SKU) — not both. Returns asin, title and brand per item, Amazon's (estimated, for keywords) number_of_results, and next_page_token.",
  params: Params({
    keywords: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 })], {
        description: 'Search words: a string, or a list of up to 20 words. Not with identifiers.',
      }),
    ),
    identifiers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20, description: 'Up to 20 product identifiers of one type. Needs identifiers_type.' }),
    ),
    identifiers_type: Type.Optional(
      Type.Union(['ASIN', 'EAN', 'GTIN', 'ISBN', 'JAN', 'MINSAN', 'SKU', 'UPC'].map((t) => Type.Literal(t)), { description: 'Type of the identifiers.' }),
    ),
    marketplace_id: MarketplaceIdParam,
    page_size: PageSizeParam,
    page_token: PageTokenParam,
  }),
  operations: ['searchCatalogItems'],
  async run() {
    return notYetAvailable('catalog.search');
  },
});
