import Type from 'typebox';
import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params } from './params.js';
import { notYetAvailable } from './not-yet.js';

export default defineCapability({
  name: 'listings.a_plus_generate',
  access: 'write',
  description:
    "Proposes an A+ Content document (Amazon's enhanced brand content) and the ASINs it applies to, in Amazon's A+ format: name, content_type EBC, an en-US style locale and 1–100 modules (e.g. STANDARD_TEXT, STANDARD_HEADER_IMAGE_TEXT). No prices, promotions, contact details, time-sensitive words or guarantees. Staged until the buyer confirms; then submitted for Amazon's approval.",
  params: Params({
    content_document: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100, description: 'Internal name of the document.' }),
        content_type: Type.Union([Type.Literal('EBC'), Type.Literal('EMC')], { description: 'EBC for sellers (A+), EMC for vendors.' }),
        locale: Type.String({ pattern: '^[a-z]{2,}-[A-Z0-9]{2,}$', description: 'IETF locale with a hyphen, e.g. en-US.' }),
        content_module_list: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
          minItems: 1,
          maxItems: 100,
          description: "Amazon ContentModule objects, e.g. {contentModuleType:'STANDARD_TEXT', standardText:{body:{textList:[{value:'…'}]}}}.",
        }),
      },
      { additionalProperties: false },
    ),
    asins: Type.Optional(Type.Array(AsinParam, { minItems: 1, maxItems: 100, description: "ASINs to show the content on (the seller's brand)." })),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['validateContentDocumentAsinRelations', 'createContentDocument', 'postContentDocumentAsinRelations', 'postContentDocumentApprovalSubmission'],
  async stage() {
    return notYetAvailable('listings.a_plus_generate');
  },
  async apply() {
    return notYetAvailable('listings.a_plus_generate');
  },
});
