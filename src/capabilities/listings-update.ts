import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { SANDBOX } from './examples.js';
import { ListingWriteResult, WriteAnswer } from './answers.js';
import { checkPatches } from '../writes/listing-rules.js';
import { applyListingPatch, listingPatchAlreadyApplied, stageListingPatch } from '../writes/listing-write.js';
import { asIssues, refuseErrors } from '../writes/violations.js';

export const ListingPatch = Type.Object(
  {
    op: Type.Enum(['add', 'replace', 'delete'], { description: 'add, replace or delete.' }),
    path: Type.String({ pattern: '^/attributes/', maxLength: 200, description: 'A top-level attribute, e.g. /attributes/item_name (nested paths are refused).' }),
    value: Type.Optional(
      Type.Array(Type.Record(Type.String(), Type.Unknown()), {
        maxItems: 100,
        description:
          'Amazon attribute value list, e.g. [{"value":"New title"}]. Required for add and replace. marketplace_id (and language_tag for text attributes) are filled in. For delete: the selector values of the instances to delete, e.g. [{"marketplace_id":"ATVPDKIKX0DER","language_tag":"en_US"}]; when omitted, the broker names the listing\'s current instances in the marketplace (Amazon never deletes by attribute name alone). Lengths (Amazon\'s product type limits): item_name 200 characters, bullet_point 600, product_description 10,000 UTF-8 bytes, generic_keyword 500; any other string 25,000 characters, keys 100; all patches together 200,000 characters; at most 32 levels of nesting in params.',
      }),
    ),
  },
  { additionalProperties: false },
);

export default defineCapability({
  name: 'listings.update',
  access: 'write',
  description:
    "Proposes changes to one listing's attributes with JSON-Patch style operations on top-level /attributes/<name> (add, replace, delete). Nothing changes at Amazon until the buyer confirms: the answer is PENDING_CONFIRMATION with a before/after diff computed from Amazon's current listing and Amazon's validation preview. Titles (item_name): at most 200 characters, none of ! $ ? _ { } ^ ¬ ¦, no promotional phrases (free shipping, best seller, sale…). No HTML, e-mail addresses, phone numbers or URLs in any text. Read the listing with listings.get first.",
  params: Params({
    sku: SkuParam,
    product_type: Type.String({ pattern: '^[A-Z0-9_]{1,100}$', description: 'Amazon product type of the listing, e.g. LUGGAGE (see listings.get summaries).' }),
    patches: Type.Array(ListingPatch, { minItems: 1, maxItems: 50 }),
    marketplace_id: MarketplaceIdParam,
  }, [
    {
      sku: SANDBOX.sku,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Northwind Goods Stoneware Coffee Mug, 12 oz, Speckled Grey' }] }],
    },
    {
      sku: SANDBOX.sku,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/bullet_point', value: [{ value: 'Holds 12 oz' }, { value: 'Dishwasher and microwave safe' }] }],
    },
  ]),
  answer: WriteAnswer(ListingWriteResult),
  operations: ['getListingsItem', 'patchListingsItem'],
  async stage(ctx) {
    const findings = checkPatches(ctx.params.patches, 'params.patches');
    refuseErrors(findings);
    return stageListingPatch(ctx, {
      sku: ctx.params.sku,
      productType: ctx.params.product_type,
      patches: ctx.params.patches,
      verb: 'Update',
      issues: asIssues(findings),
    });
  },
  async apply(ctx) {
    return applyListingPatch(ctx, ctx.params);
  },
  alreadyApplied: listingPatchAlreadyApplied,
});
