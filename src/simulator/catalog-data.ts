/**
 * Generators of per-seller listings and of catalog items. Attribute shapes follow the Product Type
 * Definitions conventions (arrays of `{value, marketplace_id, language_tag}`), as the Listings Items API
 * returns them.
 */
import { MARKETPLACES, marketplace, currencyDecimals } from './marketplaces.js';
import { rng, pick, int, code } from './random.js';

export type AttrValue = Record<string, unknown>;
export type Attributes = Record<string, AttrValue[]>;

export interface ListingIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames: string[];
  categories: string[];
  enforcements?: { actions: { action: string }[]; exemption: { status: string } };
  marketplaceIds?: string[];
}

export interface CatalogFacts {
  asin: string;
  marketplaceIds: string[];
  itemName: string;
  brand: string;
  manufacturer: string;
  color: string;
  size: string;
  modelNumber: string;
  partNumber: string;
  productType: string;
  classification: { displayName: string; classificationId: string };
  parentClassification: { displayName: string; classificationId: string };
  websiteDisplayGroup: string;
  websiteDisplayGroupName: string;
  releaseDate: string;
  salesRank: number;
  subRank: number;
  ean: string;
  upc: string;
  imageCodes: string[];
  weightPounds: number;
  inches: [number, number, number];
  bullets: string[];
  /** The seller owning it, if any. */
  ownerSellerId?: string;
}

export interface ListingRecord {
  sku: string;
  asin: string;
  productType: string;
  conditionType: string;
  brand: string;
  createdDate: string;
  lastUpdatedDate: string;
  fnSku?: string;
  attributes: Attributes;
  issues: ListingIssue[];
  marketplaceIds: string[];
  catalog: CatalogFacts;
  /** Relative weight of this listing in the seller's sales. */
  salesWeight: number;
}

interface Theme {
  productType: string;
  nouns: string[];
  group: [string, string];
  node: [string, string];
  parent: [string, string];
  basePrice: [number, number];
}

const THEMES: Theme[] = [
  { productType: 'DRINKING_CUP', nouns: ['Coffee Mug', 'Travel Mug', 'Espresso Cup Set', 'Tea Cup'], group: ['kitchen_display_on_website', 'Kitchen'], node: ['9302375011', 'Coffee Mugs'], parent: ['284507', 'Kitchen & Dining'], basePrice: [9, 28] },
  { productType: 'BOTTLE', nouns: ['Water Bottle', 'Insulated Bottle', 'Kids Water Bottle'], group: ['sporting_goods_display_on_website', 'Sports'], node: ['3741181', 'Water Bottles'], parent: ['3375251', 'Sports & Outdoors'], basePrice: [12, 35] },
  { productType: 'LUGGAGE', nouns: ['Carry-On Suitcase', 'Duffel Bag', 'Travel Backpack', 'Packing Cubes'], group: ['luggage_display_on_website', 'Luggage'], node: ['15743251', 'Carry-Ons'], parent: ['9479199011', 'Luggage & Travel Gear'], basePrice: [25, 160] },
  { productType: 'YOGA_MAT', nouns: ['Yoga Mat', 'Exercise Mat', 'Yoga Block Set'], group: ['sporting_goods_display_on_website', 'Sports'], node: ['3422251', 'Yoga Mats'], parent: ['3375251', 'Sports & Outdoors'], basePrice: [15, 60] },
  { productType: 'PET_SUPPLIES', nouns: ['Dog Leash', 'Cat Scratcher', 'Pet Bowl Set', 'Dog Chew Toy'], group: ['pet_products_display_on_website', 'Pet Products'], node: ['2975312011', 'Dog Supplies'], parent: ['2619533011', 'Pet Supplies'], basePrice: [7, 40] },
  { productType: 'NOTEBOOK', nouns: ['Dotted Notebook', 'Planner', 'Sketchbook'], group: ['office_product_display_on_website', 'Office Product'], node: ['1069554', 'Notebooks'], parent: ['1064954', 'Office Products'], basePrice: [6, 24] },
  { productType: 'HOME', nouns: ['Throw Pillow Cover', 'Scented Candle', 'Knit Blanket', 'Storage Basket'], group: ['home_display_on_website', 'Home'], node: ['1063278', 'Home Décor'], parent: ['1055398', 'Home & Kitchen'], basePrice: [10, 55] },
];

const ADJECTIVES = ['Classic', 'Premium', 'Eco', 'Compact', 'Large', 'Lightweight', 'Deluxe', 'Minimalist', 'Rustic', 'Modern'];
const COLORS = ['Blue', 'Red', 'Black', 'White', 'Sage Green', 'Charcoal', 'Blush Pink', 'Navy', 'Natural'];
const SIZES = ['Small', 'Medium', 'Large', '12 oz', '16 oz', '750 ml', 'One Size'];
const BRAND_A = ['North', 'Blue', 'Oak', 'Kaze', 'Lumen', 'Silver', 'Cedar', 'Maple', 'Harbor', 'Alpen'];
const BRAND_B = ['wind Goods', 'field Co.', 'craft', ' Living', 'works', 'line Home', ' & Stone', 'leaf'];
const FX: Record<string, number> = { USD: 1, CAD: 1.35, MXN: 18, BRL: 5, EUR: 0.92, GBP: 0.79, SEK: 10.5, PLN: 4, TRY: 32, EGP: 48, SAR: 3.75, AED: 3.67, INR: 83, ZAR: 18, SGD: 1.35, AUD: 1.5, JPY: 150 };

export function brandFor(sellingPartnerId: string): string {
  const fixed: Record<string, string> = { A1SANDBOXNA0001: 'Northwind Goods', A2SANDBOXEU0002: 'Alpenhaus', A3SANDBOXFE0003: 'Kaze Living' };
  if (fixed[sellingPartnerId]) return fixed[sellingPartnerId];
  const r = rng(`${sellingPartnerId}:brand`);
  return pick(r, BRAND_A) + pick(r, BRAND_B);
}

export function asinFor(seed: string): string {
  return 'B0' + code(rng(`asin:${seed}`), 8);
}

/** Price in a marketplace's currency, formatted as Amazon's decimal string. */
export function localPrice(usd: number, marketplaceId: string): { amount: number; currency: string } {
  const currency = marketplace(marketplaceId)?.defaultCurrencyCode ?? 'USD';
  const raw = usd * (FX[currency] ?? 1);
  const decimals = currencyDecimals(currency);
  const amount = decimals === 0 ? Math.max(10, Math.round(raw / 10) * 10) : Math.floor(raw) + 0.99;
  return { amount, currency };
}

function digits(r: () => number, n: number): string {
  return code(r, n, '0123456789');
}

function catalogFacts(seed: string, brand: string, marketplaceIds: string[], theme: Theme, r: () => number, ownerSellerId?: string): CatalogFacts {
  const noun = pick(r, theme.nouns);
  const color = pick(r, COLORS);
  const size = pick(r, SIZES);
  const adjective = pick(r, ADJECTIVES);
  const model = `${brand.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase()}-${digits(r, 4)}`;
  const release = new Date(Date.UTC(2019 + int(r, 0, 5), int(r, 0, 11), int(r, 1, 28)));
  return {
    asin: asinFor(seed),
    marketplaceIds,
    itemName: `${brand} ${adjective} ${noun}, ${color}, ${size}`,
    brand,
    manufacturer: brand,
    color,
    size,
    modelNumber: model,
    partNumber: model,
    productType: theme.productType,
    classification: { displayName: theme.node[1], classificationId: theme.node[0] },
    parentClassification: { displayName: theme.parent[1], classificationId: theme.parent[0] },
    websiteDisplayGroup: theme.group[0],
    websiteDisplayGroupName: theme.group[1],
    releaseDate: release.toISOString().slice(0, 10),
    salesRank: int(r, 800, 250_000),
    subRank: int(r, 5, 4_000),
    ean: '4' + digits(r, 12),
    upc: '8' + digits(r, 11),
    imageCodes: [0, 1, 2, 3].map(() => code(r, 11, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-')),
    weightPounds: Math.round((0.2 + r() * 8) * 100) / 100,
    inches: [int(r, 2, 30), int(r, 2, 20), int(r, 1, 12)],
    bullets: [
      `${adjective} design made for everyday use`,
      `Durable materials, easy to clean`,
      `Backed by ${brand} customer support`,
    ],
    ownerSellerId,
  };
}

export function imageUrl(imageCode: string): string {
  return `https://m.media-amazon.com/images/I/${encodeURIComponent(imageCode)}._SL1500_.jpg`;
}

function listingAttributes(facts: CatalogFacts, priceUsd: number, quantity: number, marketplaceIds: string[]): Attributes {
  const perMp = <T extends AttrValue>(f: (mp: string, lang: string) => T): T[] =>
    marketplaceIds.map((mp) => f(mp, MARKETPLACES[mp]?.defaultLanguageCode ?? 'en_US'));
  return {
    item_name: perMp((mp, lang) => ({ value: facts.itemName, language_tag: lang, marketplace_id: mp })),
    brand: perMp((mp, lang) => ({ value: facts.brand, language_tag: lang, marketplace_id: mp })),
    bullet_point: marketplaceIds.flatMap((mp) =>
      facts.bullets.map((b) => ({ value: b, language_tag: MARKETPLACES[mp]?.defaultLanguageCode ?? 'en_US', marketplace_id: mp })),
    ),
    product_description: perMp((mp, lang) => ({ value: `${facts.itemName}. ${facts.bullets.join('. ')}.`, language_tag: lang, marketplace_id: mp })),
    color: perMp((mp, lang) => ({ value: facts.color, language_tag: lang, marketplace_id: mp })),
    condition_type: perMp((mp) => ({ value: 'new_new', marketplace_id: mp })),
    externally_assigned_product_identifier: perMp((mp) => ({ type: 'ean', value: facts.ean, marketplace_id: mp })),
    list_price: perMp((mp) => {
      const p = localPrice(priceUsd * 1.25, mp);
      return { currency: p.currency, value: p.amount, marketplace_id: mp };
    }),
    purchasable_offer: perMp((mp) => {
      const p = localPrice(priceUsd, mp);
      return { currency: p.currency, marketplace_id: mp, audience: 'ALL', our_price: [{ schedule: [{ value_with_tax: p.amount }] }] };
    }),
    fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity }],
    main_product_image_locator: perMp((mp) => ({ media_location: imageUrl(facts.imageCodes[0] as string), marketplace_id: mp })),
    other_product_image_locator_1: perMp((mp) => ({ media_location: imageUrl(facts.imageCodes[1] as string), marketplace_id: mp })),
    other_product_image_locator_2: perMp((mp) => ({ media_location: imageUrl(facts.imageCodes[2] as string), marketplace_id: mp })),
  };
}

const SUPPRESSION_ISSUE = (marketplaceIds: string[]): ListingIssue => ({
  code: '18027',
  message: "We believe that the main image has text, logo, graphic, or watermark that is not permitted for the main image. Update the 'main_product_image_locator' attribute with an image that complies with our policies.",
  severity: 'ERROR',
  attributeNames: ['main_product_image_locator'],
  categories: ['INVALID_IMAGE'],
  enforcements: { actions: [{ action: 'SEARCH_SUPPRESSED' }], exemption: { status: 'NOT_EXEMPT' } },
  marketplaceIds,
});

const WARNING_ISSUE = (marketplaceIds: string[]): ListingIssue => ({
  code: '99022',
  message: "The 'bullet_point' attribute has fewer values than recommended. Add up to 5 bullet points to improve discoverability.",
  severity: 'WARNING',
  attributeNames: ['bullet_point'],
  categories: ['MISSING_ATTRIBUTE'],
  marketplaceIds,
});

/** ≥ 30 listings per seller: the fixed SKUs first, then generated ones. */
export function generateListings(spec: { sellingPartnerId: string; marketplaceIds: string[] }, fixed: string[] = []): ListingRecord[] {
  const brand = brandFor(spec.sellingPartnerId);
  const r = rng(`${spec.sellingPartnerId}:listings`);
  const prefix = brand.replace(/[^A-Za-z]/g, '').slice(0, 2).toUpperCase();
  const skus = [...fixed];
  for (let i = skus.length; i < 30; i++) skus.push(`${prefix}-${String(100 + i * 7).padStart(4, '0')}-${code(r, 3)}`);
  const base = Date.UTC(2024, 0, 1);
  return skus.map((sku, i) => {
    const theme = THEMES[i % THEMES.length] as Theme;
    const lr = rng(`${spec.sellingPartnerId}:${sku}`);
    const facts = catalogFacts(`${spec.sellingPartnerId}:${sku}`, brand, spec.marketplaceIds, theme, lr, spec.sellingPartnerId);
    const priceUsd = theme.basePrice[0] + lr() * (theme.basePrice[1] - theme.basePrice[0]);
    const outOfStock = i === 3;
    const quantity = outOfStock ? 0 : int(lr, 3, 400);
    const created = base + Math.floor(lr() * 400) * 86_400_000 + int(lr, 0, 86_399) * 1000;
    const updated = created + Math.floor(lr() * 200) * 86_400_000 + int(lr, 0, 86_399) * 1000;
    const issues: ListingIssue[] = [];
    if (i === 2) issues.push(SUPPRESSION_ISSUE(spec.marketplaceIds));
    if (i % 7 === 5) issues.push(WARNING_ISSUE(spec.marketplaceIds));
    return {
      sku,
      asin: facts.asin,
      productType: theme.productType,
      conditionType: 'new_new',
      brand,
      createdDate: new Date(created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      lastUpdatedDate: new Date(updated).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      fnSku: i % 3 === 0 ? `X00${code(lr, 7)}` : undefined,
      attributes: listingAttributes(facts, priceUsd, quantity, spec.marketplaceIds),
      issues,
      marketplaceIds: [...spec.marketplaceIds],
      catalog: facts,
      salesWeight: 0.3 + lr() * (i < 5 ? 3 : 1),
    };
  });
}

/** Catalog items that belong to no seeded seller, present in every marketplace (for catalog.search). */
export function generateCompetitorCatalog(): CatalogFacts[] {
  const r = rng('catalog:competitors');
  const brands = ['Acme Home', 'Contoso', 'Globex Outdoor', 'Initech Office', 'Umbrella Pets', 'Hooli Kitchen'];
  const all = Object.keys(MARKETPLACES);
  const out: CatalogFacts[] = [];
  for (let i = 0; i < 48; i++) {
    const theme = THEMES[i % THEMES.length] as Theme;
    out.push(catalogFacts(`competitor:${i}`, pick(r, brands), all, theme, rng(`competitor:${i}`)));
  }
  return out;
}
