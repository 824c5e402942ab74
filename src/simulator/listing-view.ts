/**
 * Renders a stored listing as the Listings Items API `Item` (2021-08-01), deriving summaries, offers
 * and fulfillment availability from the stored attributes, so a patch shows up in later reads.
 */
import type { AttrValue, ListingIssue, ListingRecord } from './catalog-data.js';
import { marketplace } from './marketplaces.js';

export const LISTING_INCLUDED_DATA = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'procurement', 'relationships', 'productTypes'] as const;

const forMarketplace = (values: AttrValue[] | undefined, mp: string): AttrValue | undefined =>
  values?.find((v) => v.marketplace_id === mp) ?? values?.find((v) => v.marketplace_id === undefined);

export function itemName(l: ListingRecord, mp: string): string | undefined {
  const v = forMarketplace(l.attributes.item_name, mp)?.value;
  return typeof v === 'string' ? v : undefined;
}

export function quantity(l: ListingRecord): number {
  const q = l.attributes.fulfillment_availability?.[0]?.quantity;
  return typeof q === 'number' ? q : 0;
}

export function offerPrice(l: ListingRecord, mp: string): { amount: string; currencyCode: string } | undefined {
  const offer = forMarketplace(l.attributes.purchasable_offer, mp);
  const ourPrice = (offer?.our_price as { schedule?: { value_with_tax?: number }[] }[] | undefined)?.[0]?.schedule?.[0]?.value_with_tax;
  if (typeof ourPrice !== 'number') return undefined;
  const currencyCode = typeof offer?.currency === 'string' ? offer.currency : (marketplace(mp)?.defaultCurrencyCode ?? 'USD');
  return { amount: currencyCode === 'JPY' ? String(Math.round(ourPrice)) : ourPrice.toFixed(2), currencyCode };
}

function issuesFor(l: ListingRecord, mps: string[]): ListingIssue[] {
  return l.issues.filter((i) => !i.marketplaceIds || i.marketplaceIds.some((m) => mps.includes(m)));
}

export function status(l: ListingRecord, mp: string): ('BUYABLE' | 'DISCOVERABLE')[] {
  const actions = issuesFor(l, [mp]).flatMap((i) => (i.severity === 'ERROR' ? (i.enforcements?.actions ?? []).map((a) => a.action) : []));
  const suppressed = actions.includes('LISTING_SUPPRESSED') || actions.includes('CATALOG_ITEM_REMOVED');
  const out: ('BUYABLE' | 'DISCOVERABLE')[] = [];
  if (!suppressed && offerPrice(l, mp) && quantity(l) > 0) out.push('BUYABLE');
  if (!suppressed && !actions.includes('SEARCH_SUPPRESSED')) out.push('DISCOVERABLE');
  return out;
}

function mainImage(l: ListingRecord, mp: string): { link: string; height: number; width: number } | undefined {
  const loc = forMarketplace(l.attributes.main_product_image_locator, mp)?.media_location;
  return typeof loc === 'string' ? { link: loc, height: 1500, width: 1500 } : undefined;
}

function summaries(l: ListingRecord, mps: string[]) {
  return mps.map((mp) => {
    const s: Record<string, unknown> = {
      marketplaceId: mp,
      asin: l.asin,
      productType: l.productType,
      conditionType: l.conditionType,
      status: status(l, mp),
    };
    if (l.fnSku) s.fnSku = l.fnSku;
    const name = itemName(l, mp);
    if (name !== undefined) s.itemName = name;
    s.createdDate = l.createdDate;
    s.lastUpdatedDate = l.lastUpdatedDate;
    const img = mainImage(l, mp);
    if (img) s.mainImage = img;
    return s;
  });
}

function attributesFor(l: ListingRecord, mps: string[]): Record<string, AttrValue[]> {
  const out: Record<string, AttrValue[]> = {};
  for (const [name, values] of Object.entries(l.attributes)) {
    const kept = values.filter((v) => v.marketplace_id === undefined || mps.includes(v.marketplace_id as string));
    if (kept.length > 0) out[name] = structuredClone(kept);
  }
  return out;
}

export function renderListing(l: ListingRecord, mps: string[], included: readonly string[]): Record<string, unknown> {
  const item: Record<string, unknown> = { sku: l.sku };
  if (included.includes('summaries')) item.summaries = summaries(l, mps);
  if (included.includes('attributes')) item.attributes = attributesFor(l, mps);
  if (included.includes('issues')) item.issues = structuredClone(issuesFor(l, mps));
  if (included.includes('offers')) {
    item.offers = mps.flatMap((mp) => {
      const price = offerPrice(l, mp);
      return price ? [{ marketplaceId: mp, offerType: 'B2C', price, audience: { value: 'ALL', displayName: 'Sell on Amazon' } }] : [];
    });
  }
  if (included.includes('fulfillmentAvailability')) {
    item.fulfillmentAvailability = (l.attributes.fulfillment_availability ?? []).map((f) => ({
      fulfillmentChannelCode: String(f.fulfillment_channel_code ?? 'DEFAULT'),
      quantity: typeof f.quantity === 'number' ? f.quantity : 0,
    }));
  }
  if (included.includes('procurement')) item.procurement = [];
  if (included.includes('relationships')) item.relationships = mps.map((mp) => ({ marketplaceId: mp, relationships: [] }));
  if (included.includes('productTypes')) item.productTypes = mps.map((mp) => ({ marketplaceId: mp, productType: l.productType }));
  return item;
}
