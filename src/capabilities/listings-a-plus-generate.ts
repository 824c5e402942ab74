import Type from 'typebox';
import { defineCapability } from './types.js';
import { AsinParam, MarketplaceIdParam, Params } from './params.js';
import { SANDBOX } from './examples.js';
import { WriteAnswer } from './answers.js';
import { checkContentDocument } from '../writes/aplus-rules.js';
import { checkAplusImages } from '../writes/aplus-images.js';
import { applyAplus, stageAplus } from '../writes/aplus-write.js';
import { refuseErrors } from '../writes/violations.js';

export default defineCapability({
  name: 'listings.a_plus_generate',
  access: 'write',
  description:
    "Proposes an A+ Content document (Amazon's enhanced brand content) and the ASINs it applies to, in Amazon's A+ format: name, content_type EBC, an en-US style locale and 1–100 modules, each {contentModuleType, <its object>} e.g. {contentModuleType:'STANDARD_TEXT', standardText:{headline:{value:'…'}, body:{textList:[{value:'…'}]}}}. Each image component gives image_url (an https URL of a JPEG, PNG or TIFF, at most 3 MiB) instead of Amazon's uploadDestinationId: after the buyer confirms, the broker fetches it and uploads it through Amazon's Uploads API. Not allowed in any text: prices or promotions ($, % off, discount, free, sale, buy now…), contact details (e-mail, phone, URL), time-sensitive words (new, now, latest, limited time, holidays) or guarantee/warranty/return claims. Amazon validates it before staging; after the buyer confirms it is created and submitted for Amazon's approval.",
  params: Params({
    content_document: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100, description: 'Internal name of the document.' }),
        content_type: Type.Enum(['EBC', 'EMC'], { description: 'EBC for sellers (A+), EMC for vendors.' }),
        locale: Type.String({ pattern: '^[a-z]{2,}-[A-Z0-9]{2,}$', description: 'IETF locale with a hyphen, e.g. en-US.' }),
        content_module_list: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
          minItems: 1,
          maxItems: 100,
          description:
            "Amazon ContentModule objects, e.g. {contentModuleType:'STANDARD_TEXT', standardText:{body:{textList:[{value:'…'}]}}}. Lengths of Amazon's A+ model: text 1–10,000 characters, plain text (comparison metrics) 1–250, altText 1–100, comparison column title 1–80; all modules together at most 200,000 characters of text (the broker's cap).",
        }),
      },
      { additionalProperties: false },
    ),
    asins: Type.Optional(Type.Array(AsinParam, { minItems: 1, maxItems: 100, uniqueItems: true, description: "ASINs to show the content on (the seller's brand)." })),
    marketplace_id: MarketplaceIdParam,
  }, [
    {
      content_document: {
        name: 'Stoneware mug story',
        content_type: 'EBC',
        locale: 'en-US',
        content_module_list: [
          {
            contentModuleType: 'STANDARD_TEXT',
            standardText: { headline: { value: 'Made for slow mornings' }, body: { textList: [{ value: 'Glazed stoneware that keeps coffee warm while you read.' }] } },
          },
        ],
      },
      asins: [SANDBOX.asin],
    },
  ]),
  answer: WriteAnswer(
    Type.Union([
      Type.Object({ content_reference_key: Type.String({ description: "Amazon's id of the A+ document, submitted for approval." }), warnings: Type.Array(Type.Unknown()) }),
      Type.Object(
        { errors: Type.Array(Type.Unknown()), warnings: Type.Array(Type.Unknown()) },
        { description: "REJECTED_BY_AMAZON: Amazon's validation errors once the images were uploaded; nothing was created." },
      ),
    ]),
  ),
  operations: ['createUploadDestinationForResource', 'validateContentDocumentAsinRelations', 'createContentDocument', 'postContentDocumentAsinRelations', 'postContentDocumentApprovalSubmission'],
  async stage(ctx) {
    const modules = ctx.params.content_document.content_module_list;
    refuseErrors([...checkAplusImages(modules, ctx.services.images, 'params.content_document.content_module_list'), ...checkContentDocument(modules)]);
    return { ...(await stageAplus(ctx, ctx.params)), applyParams: ctx.params };
  },
  async apply(ctx) {
    return applyAplus(ctx, ctx.params);
  },
});
