import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { notYetAvailable } from './not-yet.js';

export const ListingPatch = Type.Object(
  {
    op: Type.Union([Type.Literal('add'), Type.Literal('replace'), Type.Literal('delete')], { description: 'add, replace or delete.' }),
    path: Type.String({ pattern: '^/attributes/', maxLength: 200, description: 'A top-level attribute, e.g. /attributes/item_name.' }),
    value: Type.Optional(
      Type.Array(Type.Record(Type.String(), Type.Unknown()), {
        maxItems: 100,
        description: 'Amazon attribute value list, e.g. [{"value":"New title","language_tag":"en_US"}]. marketplace_id is filled in.',
      }),
    ),
  },
  { additionalProperties: false },
);

export default defineCapability({
  name: 'listings.update',
  access: 'write',
  description:
    "Proposes changes to one listing's attributes with JSON-Patch style operations on /attributes/<name> (add, replace, delete). Nothing changes at Amazon until the buyer confirms: the answer is PENDING_CONFIRMATION with a before/after diff and Amazon's validation preview. Titles: at most 200 characters, no promotional phrases, no HTML.",
  params: Params({
    sku: SkuParam,
    product_type: Type.String({ pattern: '^[A-Z0-9_]{1,100}$', description: 'Amazon product type of the listing, e.g. LUGGAGE (see listings.get summaries).' }),
    patches: Type.Array(ListingPatch, { minItems: 1, maxItems: 50 }),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['getListingsItem', 'patchListingsItem'],
  async stage() {
    return notYetAvailable('listings.update');
  },
  async apply() {
    return notYetAvailable('listings.update');
  },
});
