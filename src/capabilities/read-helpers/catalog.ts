import Type from 'typebox';
import { compact, num, record, records, str, type Json } from './json.js';

/**
 * Catalog Items API 2022-04-01 `Item` (docs/amazon.md#catalog-items) as the broker's snake_case
 * view, for one marketplace: Amazon answers per-marketplace arrays; only the requested
 * marketplace's entries are kept.
 */
const forMarketplace = (value: unknown, marketplaceId: string): Json | undefined => {
  const entries = records(value);
  return entries.find((e) => e.marketplaceId === marketplaceId) ?? entries[0];
};

/** One image per variant (MAIN, PT01…), the largest Amazon offers. */
export function catalogImages(item: Json, marketplaceId: string) {
  const best = new Map<string, { variant: string; url: string; height?: number; width?: number }>();
  for (const image of records(forMarketplace(item.images, marketplaceId)?.images)) {
    const url = str(image.link);
    if (!url) continue;
    const variant = str(image.variant) ?? 'MAIN';
    const height = num(image.height);
    const width = num(image.width);
    const current = best.get(variant);
    if (!current || (height ?? 0) * (width ?? 0) > (current.height ?? 0) * (current.width ?? 0)) {
      best.set(variant, compact({ variant, url, height, width }));
    }
  }
  return [...best.values()];
}

export function salesRanks(item: Json, marketplaceId: string) {
  const entry = forMarketplace(item.salesRanks, marketplaceId);
  if (!entry) return undefined;
  const ranks = [...records(entry.displayGroupRanks), ...records(entry.classificationRanks)].map((r) =>
    compact({ title: str(r.title), rank: num(r.rank), link: str(r.link) }),
  );
  return ranks.filter((r) => r.rank !== undefined);
}

/** The catalog facts catalogSummary answers (all optional but the ASIN: Amazon omits what it lacks). */
export const CatalogSummaryFields = {
  asin: Type.String(),
  title: Type.Optional(Type.String()),
  brand: Type.Optional(Type.String()),
  manufacturer: Type.Optional(Type.String()),
  model_number: Type.Optional(Type.String()),
  part_number: Type.Optional(Type.String()),
  color: Type.Optional(Type.String()),
  size: Type.Optional(Type.String()),
  style: Type.Optional(Type.String()),
  item_classification: Type.Optional(Type.String()),
  browse_classification: Type.Optional(Type.String()),
  website_display_group: Type.Optional(Type.String()),
  package_quantity: Type.Optional(Type.Integer()),
  release_date: Type.Optional(Type.String()),
  adult_product: Type.Optional(Type.Boolean()),
  product_type: Type.Optional(Type.String()),
};

export function catalogSummary(item: Json, marketplaceId: string) {
  const s = forMarketplace(item.summaries, marketplaceId) ?? {};
  const browse = record(s.browseClassification);
  return compact({
    asin: str(item.asin) ?? '',
    title: str(s.itemName),
    brand: str(s.brand),
    manufacturer: str(s.manufacturer),
    model_number: str(s.modelNumber),
    part_number: str(s.partNumber),
    color: str(s.color),
    size: str(s.size),
    style: str(s.style),
    item_classification: str(s.itemClassification),
    browse_classification: str(browse.displayName),
    website_display_group: str(s.websiteDisplayGroupName) ?? str(s.websiteDisplayGroup),
    package_quantity: num(s.packageQuantity),
    release_date: str(s.releaseDate),
    adult_product: typeof s.adultProduct === 'boolean' ? s.adultProduct : undefined,
    product_type: str(forMarketplace(item.productTypes, marketplaceId)?.productType),
  });
}

export function mainImageUrl(item: Json, marketplaceId: string): string | undefined {
  const images = catalogImages(item, marketplaceId);
  return (images.find((i) => i.variant === 'MAIN') ?? images[0])?.url;
}
