import { stringVolumeOver, walkJson } from '../http/json-depth.js';
import { checkImageUrl } from './image-url-rules.js';
import { findContact, findHtml, findPhrase, words } from './text-rules.js';
import { at, violation, type Violation } from './violations.js';

/**
 * Amazon's listing rules that can be checked before anything is sent (docs/amazon.md#listings-items,
 * docs/amazon.md#listing-content-rules):
 * - "Only top-level listings item attributes can be patched. Patching nested attributes is not
 *   supported." (Listings Items API 2021-08-01, patchListingsItem)
 * - titles (`item_name`) at most 200 characters, none of ! $ ? _ { } ^ ¬ ¦, no promotional phrases
 *   (https://sellercentral-europe.amazon.com/help/hub/reference/external/201100890);
 * - no HTML, no e-mail addresses, phone numbers or URLs in titles, bullets and descriptions
 *   (https://sellercentral.amazon.com/gp/help/external/200390640). The one tag Amazon allows is a
 *   line break in descriptions: `<br>` / `</br>` pass in `product_description` only.
 * Image locator attributes go through the image URL rules, so listings.update cannot bypass them.
 * Lengths are checked before any content rule reads a text (see TEXT_LIMITS and MAX_VALUE_STRING).
 */
export interface PatchInput {
  op: string;
  path: string;
  value?: Record<string, unknown>[] | undefined;
}

export const TOP_LEVEL_PATH = /^\/attributes\/([a-z][a-z0-9_]*)$/;
export const IMAGE_ATTRIBUTE = /^(main_product_image_locator|other_product_image_locator_[1-8]|swatch_product_image_locator)$/;
/** Attributes whose `value` is text a shopper reads. */
export const TEXT_ATTRIBUTES = new Set(['item_name', 'bullet_point', 'product_description', 'generic_keyword']);
export const MAX_TITLE_LENGTH = 200;

/**
 * Length limits of the text attributes, as Amazon's product type definitions give them
 * (getDefinitionsProductType, https://developer-docs.amazon.com/sp-api/docs/product-type-definitions-api-v2020-09-01-reference;
 * e.g. the US definition of HAIRBAND: item_name maxLength 200, bullet_point maxLength 600,
 * product_description maxUtf8ByteLength 10,000, generic_keyword maxLength 500). The title's 200
 * characters are also Amazon's rule for every category (the product detail page rules above). A
 * product type may set lower limits; Amazon's validation preview of the staged write reports those.
 */
export const TEXT_LIMITS: Record<string, { max: number; unit: 'characters' | 'UTF-8 bytes' }> = {
  item_name: { max: MAX_TITLE_LENGTH, unit: 'characters' },
  bullet_point: { max: 600, unit: 'characters' },
  product_description: { max: 10_000, unit: 'UTF-8 bytes' },
  generic_keyword: { max: 500, unit: 'characters' },
};

/**
 * Any string in an attribute value, of any attribute (values are free-form JSON): longer than the
 * longest string limit in Amazon's product type definitions (about 20,000 characters, for
 * item_type_keyword), refused before any rule reads it. Keys are names, at most MAX_VALUE_KEY.
 */
export const MAX_VALUE_STRING = 25_000;
export const MAX_VALUE_KEY = 100;

/**
 * The strings of one listing write together (a listings.update call, one feed message): a listing's
 * texts in every language of a marketplace are some tens of thousands of characters (10 bullets of
 * 600, a description of 10,000 bytes, a title, keywords). The broker's cap, not Amazon's: it bounds
 * what the rules read in one call, whatever the body size.
 */
export const MAX_LISTING_WRITE_CHARS = 200_000;

/** MAX_LISTING_WRITE_CHARS over one listing write (its patches, or a feed message's attributes), measured before any rule reads them. */
export function checkListingWriteSize(values: unknown, field: string): Violation | undefined {
  const over = stringVolumeOver(values, field, MAX_LISTING_WRITE_CHARS);
  if (!over) return undefined;
  if (over.tooDeep) return violation('VALUE_TOO_DEEP', over.field, 'is nested too deep; attribute values are a few levels of objects and lists');
  return violation(
    'LISTING_WRITE_TOO_LARGE',
    field,
    `holds more than ${MAX_LISTING_WRITE_CHARS.toLocaleString('en-US')} characters of text (keys and strings, counted up to ${over.field}); one listing write takes at most that: split it`,
  );
}

const TITLE_FORBIDDEN = ['!', '$', '?', '_', '{', '}', '^', '¬', '¦'];
/** Promotional and subjective phrases Amazon names for titles. */
const TITLE_PROMOTIONAL = words(
  'free shipping',
  'free delivery',
  'best seller',
  'bestseller',
  'best selling',
  'hot item',
  '100% quality guaranteed',
  'quality guaranteed',
  'satisfaction guaranteed',
  'money back',
  'sale',
  'on sale',
  'discount',
  'limited time',
  'lowest price',
  'cheapest',
  'buy now',
  '% off',
);
/** Offers that are promotions in any listing text (price, shipping, urgency). */
const TEXT_PROMOTIONAL = words('free shipping', 'free delivery', 'on sale', 'buy now', 'limited time offer', '% off', 'lowest price');
/** Amazon's 2024 bullet rules (third-party summary): these characters and emojis are not allowed. */
const BULLET_SPECIAL = /[™®€…†‡¢£¥©±]|\p{Extended_Pictographic}/u;
const SMALL_WORDS = new Set(['a', 'an', 'and', 'or', 'the', 'of', 'for', 'with', 'in', 'on', 'to', 'by', 'at', 'from', 'x', '&', '-', '|', ',']);

/** The length rule of a text attribute: its limit, counted before any other rule reads the text. */
export function checkTextLength(attribute: string, text: string, field: string): Violation | undefined {
  const limit = TEXT_LIMITS[attribute];
  if (!limit) return undefined;
  // Characters first: a text within the limit in characters may still be over it in bytes.
  if (limit.unit === 'UTF-8 bytes' && text.length <= limit.max / 3) return undefined;
  const size = limit.unit === 'characters' ? text.length : Buffer.byteLength(text, 'utf8');
  if (size <= limit.max) return undefined;
  if (attribute === 'item_name') {
    return violation('TITLE_TOO_LONG', field, `must be at most ${MAX_TITLE_LENGTH} characters including spaces (got ${size})`);
  }
  return violation('TEXT_TOO_LONG', field, `must be at most ${limit.max.toLocaleString('en-US')} ${limit.unit} for ${attribute} (got ${size.toLocaleString('en-US')}); Amazon's limit for the attribute`);
}

/** Rules for one text value of a listing attribute; a text over its length limit is not read further. */
export function checkListingText(attribute: string, text: string, field: string): Violation[] {
  const tooLong = checkTextLength(attribute, text, field);
  if (tooLong) return [tooLong];
  const out: Violation[] = [];
  const html = findHtml(text, attribute === 'product_description');
  if (html) out.push(violation('TEXT_HTML', field, `must not contain HTML (found ${html}); Amazon allows no HTML or JavaScript in listing text`));
  const contact = findContact(text);
  if (contact) out.push(violation('TEXT_CONTACT_DETAILS', field, `must not contain a ${contact.kind} ("${contact.match}"); Amazon forbids contact details in listing text`));
  if (attribute === 'item_name') {
    out.push(...checkTitle(text, field));
  } else {
    const promo = findPhrase(text, TEXT_PROMOTIONAL);
    if (promo) out.push(violation('TEXT_PROMOTIONAL', field, `must not contain the promotional phrase "${promo.label}"`));
  }
  if (attribute === 'bullet_point' && BULLET_SPECIAL.test(text)) {
    out.push(violation('BULLET_SPECIAL_CHARACTER', field, 'should not contain emojis or symbols such as ™ ® © € £ (Amazon bullet point rules, 2024)', 'WARNING'));
  }
  return out;
}

export function checkTitle(title: string, field: string): Violation[] {
  const tooLong = checkTextLength('item_name', title, field);
  if (tooLong) return [tooLong];
  const out: Violation[] = [];
  if (title.trim() === '') out.push(violation('TITLE_EMPTY', field, 'must not be empty'));
  const forbidden = TITLE_FORBIDDEN.filter((c) => title.includes(c));
  if (forbidden.length > 0) {
    out.push(violation('TITLE_FORBIDDEN_CHARACTER', field, `must not contain the characters ${forbidden.join(' ')} (Amazon forbids ! $ ? _ { } ^ ¬ ¦ in titles)`));
  }
  const promo = findPhrase(title, TITLE_PROMOTIONAL);
  if (promo) out.push(violation('TITLE_PROMOTIONAL', field, `must not contain the promotional phrase "${promo.label}"`));
  const letters = title.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 10 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) {
    out.push(violation('TITLE_ALL_CAPS', field, 'should not be written in capital letters only', 'WARNING'));
  }
  const counts = new Map<string, number>();
  for (const word of title.toLowerCase().split(/\s+/).filter((w) => w && !SMALL_WORDS.has(w))) counts.set(word, (counts.get(word) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 2).map(([w]) => w);
  if (repeated.length > 0) out.push(violation('TITLE_REPEATED_WORD', field, `should not use the same word more than twice (${repeated.join(', ')})`, 'WARNING'));
  return out;
}

/**
 * The first string of a value over MAX_VALUE_STRING (or key over MAX_VALUE_KEY), or nesting over the
 * broker's JSON depth: found in one walk, before any rule reads the value.
 */
function oversizeString(entry: object, field: string): Violation | undefined {
  const found = walkJson(entry, field, (node, key) => (typeof node === 'string' && node.length > MAX_VALUE_STRING) || (key !== undefined && key.length > MAX_VALUE_KEY));
  if (!found) return undefined;
  if (found.tooDeep) return violation('VALUE_TOO_DEEP', found.field, 'is nested too deep; attribute values are a few levels of objects and lists');
  return violation(
    'VALUE_TOO_LONG',
    found.field,
    `is longer than the broker takes in an attribute value (strings up to ${MAX_VALUE_STRING.toLocaleString('en-US')} characters, keys up to ${MAX_VALUE_KEY}); Amazon's attributes are shorter`,
  );
}

/**
 * The length rules of one attribute's values, which read no text: a text attribute's value within
 * its limit (named first, as the precise rule), then every string and key within the caps.
 */
export function checkValueSizes(name: string, values: readonly unknown[], field: string): Violation[] {
  const out: Violation[] = [];
  values.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
    const text = (entry as Record<string, unknown>).value;
    const found = (TEXT_ATTRIBUTES.has(name) && typeof text === 'string' ? checkTextLength(name, text, at(field, i, 'value')) : undefined) ?? oversizeString(entry, at(field, i));
    if (found) out.push(found);
  });
  return out;
}

/** Rules for the values of one attribute (add/replace values, feed attributes); lengths first. */
export function checkAttributeValues(name: string, values: readonly unknown[], field: string): Violation[] {
  const sizes = checkValueSizes(name, values, field);
  if (sizes.length > 0) return sizes;
  const out: Violation[] = [];
  values.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      out.push(violation('ATTRIBUTE_VALUE_SHAPE', at(field, i), 'must be an object such as {"value": …, "marketplace_id": …}'));
      return;
    }
    const record = entry as Record<string, unknown>;
    if (TEXT_ATTRIBUTES.has(name) && typeof record.value === 'string') out.push(...checkListingText(name, record.value, at(field, i, 'value')));
    if (IMAGE_ATTRIBUTE.test(name)) {
      if (typeof record.media_location !== 'string') out.push(violation('IMAGE_LOCATION_MISSING', at(field, i, 'media_location'), 'is required (an https image URL)'));
      else out.push(...checkImageUrl(record.media_location, at(field, i, 'media_location')));
    }
  });
  return out;
}

/** Rules for a list of patch operations (listings.update, and PATCH messages of a listings feed). */
export function checkPatches(patches: readonly PatchInput[], field: string, allowedOps: readonly string[] = ['add', 'replace', 'delete']): Violation[] {
  // Lengths before any rule reads a text: each value's own limits first (the precise message), then the write's.
  const sizes = patches.flatMap((patch, i) => {
    const name = TOP_LEVEL_PATH.exec(patch.path)?.[1];
    return name && patch.op !== 'delete' && patch.value ? checkValueSizes(name, patch.value, at(field, i, 'value')) : [];
  });
  if (sizes.length > 0) return sizes;
  const tooLarge = checkListingWriteSize(patches, field);
  if (tooLarge) return [tooLarge];
  const out: Violation[] = [];
  patches.forEach((patch, i) => {
    const here = at(field, i);
    const name = TOP_LEVEL_PATH.exec(patch.path)?.[1];
    if (!name) {
      const nested = /^\/attributes\/[^/]+\/./.test(patch.path);
      out.push(
        violation(
          nested ? 'PATCH_NESTED_PATH' : 'PATCH_PATH',
          at(here, 'path'),
          nested
            ? `must name a top-level attribute such as /attributes/item_name; Amazon does not patch nested attributes (got ${patch.path})`
            : `must be /attributes/<attribute name> in lower case, e.g. /attributes/item_name (got ${patch.path})`,
        ),
      );
      return;
    }
    if (!allowedOps.includes(patch.op)) out.push(violation('PATCH_OP', at(here, 'op'), `must be one of ${allowedOps.join(', ')}`));
    if (patch.op === 'delete') return;
    if (!patch.value || patch.value.length === 0) {
      out.push(violation('PATCH_VALUE_REQUIRED', at(here, 'value'), `is required for ${patch.op}: the attribute's new value list`));
      return;
    }
    out.push(...checkAttributeValues(name, patch.value, at(here, 'value')));
  });
  return out;
}

/** Fills `marketplace_id` (and `language_tag` of text attributes) into values that lack them. */
export function scopePatches<P extends PatchInput>(patches: readonly P[], marketplaceId: string, languageTag: string): P[] {
  return patches.map((patch) => {
    if (!patch.value) return { ...patch };
    const name = TOP_LEVEL_PATH.exec(patch.path)?.[1] ?? '';
    const value = patch.value.map((v) => ({
      ...v,
      ...(TEXT_ATTRIBUTES.has(name) && v.language_tag === undefined ? { language_tag: languageTag } : {}),
      ...(v.marketplace_id === undefined ? { marketplace_id: marketplaceId } : {}),
    }));
    return { ...patch, value };
  });
}
