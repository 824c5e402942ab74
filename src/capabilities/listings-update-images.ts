import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { SANDBOX } from './examples.js';
import { ListingWriteResult, WriteAnswer } from './answers.js';
import { BrokerError } from '../errors.js';
import { checkImageUrl } from '../writes/image-url-rules.js';
import { applyListingPatch, listingPatchAlreadyApplied, stageListingPatch } from '../writes/listing-write.js';
import { at, refuseErrors, violation } from '../writes/violations.js';

const ImageUrl = Type.String({ pattern: '^https://', maxLength: 2048, description: 'https URL on a public host ending in .jpg .jpeg .png .tif .tiff or .gif.' });

export default defineCapability({
  name: 'listings.update_images',
  access: 'write',
  description:
    "Proposes new images for one listing: the main image and/or up to 8 other images, as public https URLs (JPEG, PNG, TIFF or non-animated GIF; Amazon wants at least 1,000 px on the longest side and a pure white background for the main image). Amazon downloads the images itself after the buyer confirms. other_image_urls fill the other-image slots 1..n in order; later slots are left as they are. Staged until the buyer confirms, with a before/after diff of the image slots.",
  params: Params({
    sku: SkuParam,
    main_image_url: Type.Optional(ImageUrl),
    other_image_urls: Type.Optional(Type.Array(ImageUrl, { maxItems: 8, description: 'Up to 8 additional images, in display order.' })),
    product_type: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{1,100}$', description: 'Product type; read from the listing when omitted.' })),
    marketplace_id: MarketplaceIdParam,
  }, [{ sku: SANDBOX.sku, main_image_url: 'https://m.media-amazon.com/images/I/sandbox-mug-main.jpg', other_image_urls: ['https://m.media-amazon.com/images/I/sandbox-mug-side.jpg'] }]),
  answer: WriteAnswer(ListingWriteResult),
  operations: ['getListingsItem', 'patchListingsItem'],
  async stage(ctx) {
    const { main_image_url: main, other_image_urls: others = [] } = ctx.params;
    if (main === undefined && others.length === 0) {
      throw new BrokerError('INVALID_REQUEST', 'params.main_image_url or params.other_image_urls is required: there is no image to change', {
        details: { field: 'params.main_image_url' },
      });
    }
    const findings = [
      ...(main === undefined ? [] : checkImageUrl(main, 'params.main_image_url')),
      ...others.flatMap((url, i) => checkImageUrl(url, at('params.other_image_urls', i))),
    ];
    const all = [...(main === undefined ? [] : [main]), ...others];
    if (new Set(all).size < all.length) {
      findings.push(violation('IMAGE_DUPLICATE', 'params.other_image_urls', 'repeats an image URL; each slot should show a different image', 'WARNING'));
    }
    refuseErrors(findings);
    const patches = [
      ...(main === undefined ? [] : [{ op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: main }] }]),
      ...others.map((url, i) => ({ op: 'replace', path: `/attributes/other_product_image_locator_${i + 1}`, value: [{ media_location: url }] })),
    ];
    return stageListingPatch(ctx, {
      sku: ctx.params.sku,
      productType: ctx.params.product_type,
      patches,
      verb: 'Replace images of',
      issues: findings.map((f) => ({ code: f.code, message: `${f.field} ${f.message}`, severity: f.severity })),
    });
  },
  async apply(ctx) {
    return applyListingPatch(ctx, ctx.params);
  },
  alreadyApplied: listingPatchAlreadyApplied,
});
