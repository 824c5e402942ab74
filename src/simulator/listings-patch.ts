/**
 * patchListingsItem semantics, shared by the Listings Items API and JSON_LISTINGS_FEED PATCH messages.
 * "Only top-level listings item attributes can be patched. Patching nested attributes is not supported."
 * Bad values produce issues (Amazon answers 200 with status INVALID), not HTTP errors. A delete names
 * the instances it removes by their selector values; a delete by attribute name alone is INVALID.
 */
import type { AttrValue, Attributes, ListingIssue } from './catalog-data.js';

export interface PatchOperation {
  op: 'add' | 'replace' | 'merge' | 'delete';
  path: string;
  value?: AttrValue[];
}

const OPS = ['add', 'replace', 'merge', 'delete'];
const TOP_LEVEL = /^\/attributes\/([a-z][a-z0-9_]*)$/;
const IMAGE_ATTR = /^(main_product_image_locator|other_product_image_locator_[1-8]|swatch_product_image_locator)$/;
const MAX_ITEM_NAME = 200;

/** Structural problems of a patch list (the request schema); empty when the shape is valid. */
export function patchSchemaErrors(patches: unknown): string[] {
  if (!Array.isArray(patches)) return ["'patches' must be an array."];
  if (patches.length === 0) return ["'patches' must contain at least 1 item."];
  const errors: string[] = [];
  patches.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return errors.push(`patches[${i}] must be an object.`);
    const o = p as Record<string, unknown>;
    if (typeof o.op !== 'string' || !OPS.includes(o.op)) errors.push(`patches[${i}].op must be one of ${OPS.join(', ')}.`);
    if (typeof o.path !== 'string') errors.push(`patches[${i}].path is required and must be a string.`);
    if (o.value !== undefined && (!Array.isArray(o.value) || o.value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v)))) {
      errors.push(`patches[${i}].value must be an array of objects.`);
    }
    return undefined;
  });
  return errors;
}

const issue = (code: string, message: string, attributeNames: string[], categories: string[], severity: ListingIssue['severity'] = 'ERROR'): ListingIssue => ({
  code,
  message,
  severity,
  attributeNames,
  categories,
});

/** Issues of a structurally valid patch list against a listing of `listingProductType`. */
export function patchIssues(productType: string, listingProductType: string | undefined, patches: PatchOperation[], marketplaceIds: string[]): ListingIssue[] {
  const issues: ListingIssue[] = [];
  if (!/^[A-Z][A-Z0-9_]*$/.test(productType)) {
    issues.push(issue('4000004', `The product type '${productType}' is not a valid product type.`, [], ['INVALID_ATTRIBUTE']));
  } else if (listingProductType && productType !== listingProductType && productType !== 'PRODUCT') {
    issues.push(
      issue('4000005', `The product type '${productType}' does not match the product type '${listingProductType}' of the listings item.`, [], ['INVALID_ATTRIBUTE']),
    );
  }
  for (const p of patches) {
    const m = TOP_LEVEL.exec(p.path);
    if (!m) {
      const name = p.path.split('/')[2] ?? p.path;
      issues.push(
        issue('4000003', `The patch path '${p.path}' is not supported. Only top-level listings item attributes can be patched (for example '/attributes/item_name').`, [name], ['INVALID_ATTRIBUTE']),
      );
      continue;
    }
    const name = m[1] as string;
    if (name.startsWith('fake_') || name.startsWith('invalid_')) {
      issues.push(issue('90000900', 'The attributes are invalid.', [name], ['INVALID_ATTRIBUTE']));
      continue;
    }
    if (p.op === 'delete' && (!p.value || p.value.length === 0 || p.value.some((v) => v.marketplace_id === undefined))) {
      // "Attributes cannot be deleted by name alone": a delete carries the selector values (marketplace_id,
      // language_tag, …) of the instances to delete (developer-docs.amazon.com/sp-api/docs/partially-update-a-listing).
      issues.push(
        issue(
          '4000007',
          `The 'delete' operation on '${p.path}' requires the selector values (such as marketplace_id and language_tag) of the attribute instances to delete; attributes cannot be deleted by name alone.`,
          [name],
          ['MISSING_ATTRIBUTE'],
        ),
      );
      continue;
    }
    if (p.op !== 'delete' && (!p.value || p.value.length === 0)) {
      issues.push(issue('4000001', `A value is required for the '${p.op}' operation on '${p.path}'.`, [name], ['MISSING_ATTRIBUTE']));
      continue;
    }
    for (const v of p.value ?? []) {
      const mp = v.marketplace_id;
      if (mp !== undefined && !marketplaceIds.includes(String(mp))) {
        issues.push(issue('4000006', `The marketplace_id '${String(mp)}' of '${name}' is not one of the marketplaces of the request.`, [name], ['INVALID_ATTRIBUTE']));
      }
      if (p.op === 'delete') continue;
      if (name === 'item_name') {
        if (typeof v.value !== 'string' || v.value.trim() === '') {
          issues.push(issue('90220', "'item_name' requires a non-empty text value.", [name], ['INVALID_ATTRIBUTE']));
        } else if (v.value.length > MAX_ITEM_NAME) {
          issues.push(issue('90220', `The value of 'item_name' is ${v.value.length} characters long; the maximum length is ${MAX_ITEM_NAME}.`, [name], ['INVALID_ATTRIBUTE']));
        }
      }
      if (IMAGE_ATTR.test(name)) {
        const loc = v.media_location;
        if (typeof loc !== 'string' || !/^(https?|s3):\/\/[^\s/$.?#][^\s]*$/i.test(loc)) {
          issues.push(
            issue('90244', `The 'media_location' of '${name}' must be a publicly accessible http(s) URL or an s3:// location.`, [name], ['INVALID_IMAGE']),
          );
        }
      }
      if (name === 'fulfillment_availability' && v.quantity !== undefined && (!Number.isInteger(v.quantity) || (v.quantity as number) < 0)) {
        issues.push(issue('90215', "'quantity' of 'fulfillment_availability' must be a whole number of 0 or more.", [name], ['INVALID_ATTRIBUTE']));
      }
    }
    if (/^other_product_image_locator_\d+$/.test(name) && !IMAGE_ATTR.test(name)) {
      issues.push(issue('90000900', `'${name}' is not a valid attribute: only 8 other images (1 to 8) are supported.`, [name], ['INVALID_ATTRIBUTE']));
    }
  }
  return issues;
}

const sameSlot = (a: AttrValue, b: AttrValue) => a.marketplace_id === b.marketplace_id && a.language_tag === b.language_tag;

/** Applies patches to a copy of `attributes` (values scoped by marketplace are replaced per marketplace). */
export function applyPatches(attributes: Attributes, patches: PatchOperation[], marketplaceIds: string[]): Attributes {
  const out: Attributes = structuredClone(attributes);
  for (const p of patches) {
    const name = TOP_LEVEL.exec(p.path)?.[1];
    if (!name) continue;
    const values = structuredClone(p.value ?? []);
    const existing = out[name] ?? [];
    const inScope = (v: AttrValue) => v.marketplace_id === undefined || marketplaceIds.includes(String(v.marketplace_id));
    switch (p.op) {
      case 'add':
      case 'replace':
        out[name] = [...existing.filter((v) => !inScope(v)), ...values];
        break;
      case 'merge': {
        const merged = [...existing];
        for (const v of values) {
          const i = merged.findIndex((e) => sameSlot(e, v));
          if (i >= 0) merged[i] = { ...merged[i], ...v };
          else merged.push(v);
        }
        out[name] = merged;
        break;
      }
      case 'delete': {
        // Only the instances the selector values name (a delete without them is refused by patchIssues).
        const kept = existing.filter((e) => !values.some((v) => sameSlot(e, v)));
        if (kept.length > 0) out[name] = kept;
        else delete out[name];
        break;
      }
    }
  }
  return out;
}
