import Type from 'typebox';
import { defineCapability } from './types.js';
import { MarketplaceIdParam, Params, SkuParam } from './params.js';
import { notYetAvailable } from './not-yet.js';

const ImageUrl = Type.String({ pattern: '^https://', maxLength: 2048, description: 'https URL on a public host; JPEG, PNG, TIFF or GIF.' });

export default defineCapability({
  name: 'listings.update_images',
  access: 'write',
  description:
    "Proposes new images for one listing: the main image and/or up to 8 other images, as public https URLs (JPEG, PNG, TIFF or non-animated GIF; Amazon wants at least 1,000 px on the longest side and a pure white background for the main image). Staged until the buyer confirms.",
  params: Params({
    sku: SkuParam,
    main_image_url: Type.Optional(ImageUrl),
    other_image_urls: Type.Optional(Type.Array(ImageUrl, { maxItems: 8, description: 'Up to 8 additional images, in display order.' })),
    product_type: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{1,100}$', description: "Product type; read from the listing when omitted." })),
    marketplace_id: MarketplaceIdParam,
  }),
  operations: ['getListingsItem', 'patchListingsItem'],
  async stage() {
    return notYetAvailable('listings.update_images');
  },
  async apply() {
    return notYetAvailable('listings.update_images');
  },
});
