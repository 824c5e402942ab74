/** Catalog Items API 2022-04-01: searchCatalogItems, getCatalogItem. */
import type { FastifyInstance } from 'fastify';
import { imageUrl, type CatalogFacts } from '../catalog-data.js';
import { invalidInput, notFound } from '../errors.js';
import { MARKETPLACES } from '../marketplaces.js';
import { csv, registerOperation, requireMarketplaceIds, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';
import { decodeToken, encodeToken, enumList, enumOne, pageSize } from './listings.js';

const INCLUDED = ['attributes', 'classifications', 'dimensions', 'identifiers', 'images', 'productTypes', 'relationships', 'salesRanks', 'summaries', 'vendorDetails'] as const;
const VARIANTS = ['MAIN', 'PT01', 'PT02', 'PT03'];

function renderCatalogItem(c: CatalogFacts, mps: string[], included: string[]): Record<string, unknown> {
  const here = mps.filter((m) => c.marketplaceIds.includes(m));
  const item: Record<string, unknown> = { asin: c.asin };
  const lang = (mp: string) => MARKETPLACES[mp]?.defaultLanguageCode ?? 'en_US';
  if (included.includes('attributes')) {
    const first = here[0] ?? 'ATVPDKIKX0DER';
    item.attributes = {
      item_name: here.map((mp) => ({ value: c.itemName, language_tag: lang(mp), marketplace_id: mp })),
      brand: here.map((mp) => ({ value: c.brand, language_tag: lang(mp), marketplace_id: mp })),
      bullet_point: c.bullets.map((b) => ({ value: b, language_tag: lang(first), marketplace_id: first })),
      color: [{ value: c.color, language_tag: lang(first), marketplace_id: first }],
      manufacturer: [{ value: c.manufacturer, language_tag: lang(first), marketplace_id: first }],
      model_number: [{ value: c.modelNumber, marketplace_id: first }],
      item_weight: [{ unit: 'pounds', value: c.weightPounds, marketplace_id: first }],
    };
  }
  if (included.includes('classifications')) {
    item.classifications = here.map((mp) => ({
      marketplaceId: mp,
      classifications: [{ displayName: c.classification.displayName, classificationId: c.classification.classificationId, parent: { ...c.parentClassification } }],
    }));
  }
  if (included.includes('dimensions')) {
    const [l, w, h] = c.inches;
    const dims = (pad: number) => ({
      height: { unit: 'inches', value: h + pad },
      length: { unit: 'inches', value: l + pad },
      width: { unit: 'inches', value: w + pad },
      weight: { unit: 'pounds', value: Math.round((c.weightPounds + pad / 4) * 100) / 100 },
    });
    item.dimensions = here.map((mp) => ({ marketplaceId: mp, item: dims(0), package: dims(1) }));
  }
  if (included.includes('identifiers')) {
    item.identifiers = here.map((mp) => ({
      marketplaceId: mp,
      identifiers: [
        { identifierType: 'EAN', identifier: c.ean },
        { identifierType: 'UPC', identifier: c.upc },
      ],
    }));
  }
  if (included.includes('images')) {
    item.images = here.map((mp) => ({
      marketplaceId: mp,
      images: c.imageCodes.map((code, i) => ({ variant: VARIANTS[i] ?? 'PT08', link: imageUrl(code), height: 1500, width: 1500 })),
    }));
  }
  if (included.includes('productTypes')) item.productTypes = here.map((mp) => ({ marketplaceId: mp, productType: c.productType }));
  if (included.includes('relationships')) item.relationships = here.map((mp) => ({ marketplaceId: mp, relationships: [] }));
  if (included.includes('salesRanks')) {
    item.salesRanks = here.map((mp) => ({
      marketplaceId: mp,
      classificationRanks: [
        { classificationId: c.classification.classificationId, title: c.classification.displayName, link: `http://www.amazon.com/gp/bestsellers/${c.classification.classificationId}`, rank: c.subRank },
      ],
      displayGroupRanks: [{ websiteDisplayGroup: c.websiteDisplayGroup, title: c.websiteDisplayGroupName, link: `http://www.amazon.com/gp/bestsellers/${c.websiteDisplayGroup}`, rank: c.salesRank }],
    }));
  }
  if (included.includes('summaries')) {
    item.summaries = here.map((mp) => ({
      marketplaceId: mp,
      adultProduct: false,
      autographed: false,
      brand: c.brand,
      browseClassification: { ...c.classification },
      color: c.color,
      itemClassification: 'BASE_PRODUCT',
      itemName: c.itemName,
      manufacturer: c.manufacturer,
      memorabilia: false,
      modelNumber: c.modelNumber,
      packageQuantity: 1,
      partNumber: c.partNumber,
      releaseDate: c.releaseDate,
      size: c.size,
      tradeInEligible: false,
      websiteDisplayGroup: c.websiteDisplayGroup,
      websiteDisplayGroupName: c.websiteDisplayGroupName,
    }));
  }
  if (included.includes('vendorDetails')) item.vendorDetails = [];
  return item;
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function search(op: OpRequest) {
  const mps = requireMarketplaceIds(op, { max: 1 });
  const mp = mps[0] as string;
  const included = enumList(op, 'includedData', INCLUDED, ['summaries']);
  const keywords = csv(op.query, 'keywords');
  const identifiers = csv(op.query, 'identifiers');
  const identifiersType = enumOne(op, 'identifiersType', ['ASIN', 'EAN', 'GTIN', 'ISBN', 'JAN', 'MINSAN', 'SKU', 'UPC']);
  const brandNames = csv(op.query, 'brandNames');
  const classificationIds = csv(op.query, 'classificationIds');
  const size = pageSize(op, 20, 10);
  if (keywords && identifiers) throw invalidInput('Cannot specify both keywords and identifiers.', 'You cannot include identifiers and keywords in the same request.');
  if (!keywords && !identifiers) throw invalidInput('Either keywords or identifiers must be specified.');
  if (keywords && keywords.length > 20) throw invalidInput('Too many keywords.', 'keywords accepts at most 20 values.');
  if (identifiers && identifiers.length > 20) throw invalidInput('Too many identifiers.', 'identifiers accepts at most 20 values.');
  if (identifiers && !identifiersType) throw invalidInput('identifiersType is required when identifiers are provided.');
  if (identifiersType === 'SKU' && !op.query.sellerId) throw invalidInput('sellerId is required when identifiersType is SKU.');
  if (identifiers && (brandNames || classificationIds || op.query.keywordsLocale)) {
    throw invalidInput('brandNames, classificationIds and keywordsLocale can only be used with keywords.');
  }
  const all = [...op.sim.state.catalog.values()].filter((c) => c.marketplaceIds.includes(mp));
  let found: CatalogFacts[];
  if (identifiers) {
    const type = identifiersType as string;
    const sellerListings = type === 'SKU' ? op.sim.state.sellers.get(op.query.sellerId as string)?.listings : undefined;
    found = all.filter((c) => {
      if (type === 'ASIN') return identifiers.includes(c.asin);
      if (type === 'EAN' || type === 'GTIN') return identifiers.includes(c.ean);
      if (type === 'UPC') return identifiers.includes(c.upc);
      if (type === 'SKU') return identifiers.some((sku) => sellerListings?.get(sku)?.asin === c.asin);
      return false;
    });
  } else {
    const words = (keywords as string[]).flatMap(tokens);
    found = all.filter((c) => {
      const hay = new Set(tokens(`${c.itemName} ${c.brand} ${c.classification.displayName}`));
      return words.every((w) => hay.has(w) || [...hay].some((h) => h.startsWith(w) && w.length >= 3));
    });
    if (brandNames) found = found.filter((c) => brandNames.includes(c.brand));
    if (classificationIds) found = found.filter((c) => classificationIds.includes(c.classification.classificationId) || classificationIds.includes(c.parentClassification.classificationId));
  }
  found.sort((a, b) => a.salesRank - b.salesRank);
  found = found.slice(0, 1000);
  const fingerprint = JSON.stringify([mp, keywords, identifiers, identifiersType, brandNames, classificationIds]);
  const offset = decodeToken(op.query.pageToken, fingerprint);
  const page = found.slice(offset, offset + size);
  const pagination: Record<string, string> = {};
  if (offset + size < found.length) pagination.nextToken = encodeToken(offset + size, fingerprint);
  if (offset > 0) pagination.previousToken = encodeToken(Math.max(0, offset - size), fingerprint);
  const out: Record<string, unknown> = { numberOfResults: found.length };
  if (Object.keys(pagination).length > 0) out.pagination = pagination;
  if (keywords) {
    const brands = new Map<string, number>();
    const classes = new Map<string, { displayName: string; n: number }>();
    for (const c of found) {
      brands.set(c.brand, (brands.get(c.brand) ?? 0) + 1);
      const k = c.classification.classificationId;
      classes.set(k, { displayName: c.classification.displayName, n: (classes.get(k)?.n ?? 0) + 1 });
    }
    out.refinements = {
      brands: [...brands].map(([brandName, numberOfResults]) => ({ numberOfResults, brandName })),
      classifications: [...classes].map(([classificationId, v]) => ({ numberOfResults: v.n, displayName: v.displayName, classificationId })),
    };
  }
  out.items = page.map((c) => renderCatalogItem(c, mps, included));
  return out;
}

export function registerCatalog(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'GET', url: '/catalog/2022-04-01/items', operationId: 'searchCatalogItems' }, (op) => ({
    status: 200,
    body: search(op),
  }));
  registerOperation(app, sim, host, { method: 'GET', url: '/catalog/2022-04-01/items/:asin', operationId: 'getCatalogItem' }, (op) => {
    const mps = requireMarketplaceIds(op);
    const included = enumList(op, 'includedData', INCLUDED, ['summaries']);
    const asin = op.params.asin as string;
    const c = op.sim.state.catalog.get(asin);
    if (!c || !c.marketplaceIds.some((m) => mps.includes(m))) {
      throw notFound(`Requested item '${asin}' not found in marketplace(s) ${mps.join(',')}.`, 'The requested catalog item was not found.');
    }
    return { status: 200, body: renderCatalogItem(c, mps, included) };
  });
}
