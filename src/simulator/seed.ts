/**
 * Seeded data of the simulator. Everything is derived deterministically from the selling partner id,
 * so two simulators (or two test runs) serve the same listings, catalog, sales and orders.
 * `SEED` exports what tests need to know about the three seeded sellers (docs/sandbox.md#sellers).
 */
import { generateListings, type ListingRecord } from './catalog-data.js';
import { rng, code } from './random.js';

export interface SellerSpec {
  sellingPartnerId: string;
  refreshToken: string;
  marketplaceIds: string[];
}

export interface SeededOrder {
  amazonOrderId: string;
  marketplaceId: string;
  kind: 'eligible' | 'eligibleUnlisted' | 'alreadySolicited' | 'tooEarly' | 'tooLate';
  /** Days relative to "now" at simulator start. */
  earliestDeliveryOffsetDays: number;
  latestDeliveryOffsetDays: number;
}

export const LWA_CLIENT_ID = 'sandbox-client';
export const LWA_CLIENT_SECRET = 'sandbox-secret';

/** SKUs with fixed names for the contract sellers (the rest are generated). */
const FIXED_SKUS: Record<string, string[]> = {
  A1SANDBOXNA0001: ['SS-MUG-001', 'SKU/RED 01+#', 'SS-SUPPRESSED-001', 'SS-OOS-001', 'SS-PET-004'],
  A2SANDBOXEU0002: ['EU-MUG-001', 'SKU/RED 01+#', 'EU-SUPPRESSED-001', 'EU-OOS-001', 'EU-PET-004'],
  A3SANDBOXFE0003: ['JP-MUG-001', 'SKU/RED 01+#', 'JP-SUPPRESSED-001', 'JP-OOS-001', 'JP-PET-004'],
};

export function fixedSkus(sellingPartnerId: string): string[] {
  return FIXED_SKUS[sellingPartnerId] ?? [];
}

/** Deterministic Amazon order id `NNN-NNNNNNN-NNNNNNN`. */
function orderId(seed: string): string {
  const r = rng(seed);
  const d = '0123456789';
  return `${code(r, 3, d).replace(/^0/, '1')}-${code(r, 7, d)}-${code(r, 7, d)}`;
}

/** Orders seeded for the Solicitations API: eligible ones, one already solicited, two outside the window. */
export function seededOrders(seller: SellerSpec): SeededOrder[] {
  const mp = seller.marketplaceIds[0] ?? 'ATVPDKIKX0DER';
  const orders: SeededOrder[] = [];
  const add = (kind: SeededOrder['kind'], i: number, edd: number, ldd: number, marketplaceId = mp) =>
    orders.push({
      amazonOrderId: orderId(`${seller.sellingPartnerId}:order:${kind}:${i}`),
      marketplaceId,
      kind,
      earliestDeliveryOffsetDays: edd,
      latestDeliveryOffsetDays: ldd,
    });
  // Window: [EarliestDeliveryDate + 5 days, LatestDeliveryDate + 30 days] (Solicitations use-case guide).
  for (let i = 0; i < 8; i++) add('eligible', i, -12 - i, -8 - i);
  seller.marketplaceIds.slice(1).forEach((m, i) => add('eligible', 100 + i, -10, -7, m));
  // Eligible, yet getSolicitationActionsForOrder lists no action for it (models#187): the POST still works.
  add('eligibleUnlisted', 0, -12, -8);
  add('alreadySolicited', 0, -15, -12);
  add('tooEarly', 0, -2, 1);
  add('tooLate', 0, -70, -60);
  return orders;
}

/**
 * One finished JSON_LISTINGS_FEED per seller, so feeds.status can be tried before any upload: its one
 * message patches a SKU the seller does not have, so the processing report carries an error and the
 * feed changes no listing.
 */
export interface SeededFeed {
  feedId: string;
  inputFeedDocumentId: string;
  content: string;
}

const SEEDED_FEED_IDS: Record<string, string> = { A1SANDBOXNA0001: '49990000001', A2SANDBOXEU0002: '49990000002', A3SANDBOXFE0003: '49990000003' };

export function seededFeed(seller: SellerSpec): SeededFeed | undefined {
  const feedId = SEEDED_FEED_IDS[seller.sellingPartnerId];
  if (!feedId) return undefined;
  const content = JSON.stringify({
    header: { sellerId: seller.sellingPartnerId, version: '2.0' },
    messages: [{ messageId: 1, sku: 'NO-SUCH-SKU-404', operationType: 'PATCH', productType: 'HOME', patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Sample' }] }] }],
  });
  return { feedId, inputFeedDocumentId: `amzn1.tortuga.4.na.seeded.${feedId}`, content };
}

export function unknownOrderId(sellingPartnerId: string): string {
  return orderId(`${sellingPartnerId}:order:unknown`);
}

export const CONTRACT_SELLERS: readonly SellerSpec[] = [
  {
    sellingPartnerId: 'A1SANDBOXNA0001',
    refreshToken: 'Atzr|sandbox-na',
    marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8'],
  },
  {
    sellingPartnerId: 'A2SANDBOXEU0002',
    refreshToken: 'Atzr|sandbox-eu',
    marketplaceIds: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9', 'A13V1IB3VIYZZH'],
  },
  { sellingPartnerId: 'A3SANDBOXFE0003', refreshToken: 'Atzr|sandbox-fe', marketplaceIds: ['A1VC38T7YXB528'] },
];

export interface SeededSellerInfo extends SellerSpec {
  /** Every SKU of the seller, in seed order. */
  skus: string[];
  /** sku → ASIN. */
  asinBySku: Record<string, string>;
  /** sku → productType (send it in patches). */
  productTypeBySku: Record<string, string>;
  asins: string[];
  /** A SKU that must be percent-encoded in a path: `SKU/RED 01+#`. */
  encodedSku: string;
  /** A SKU with an ERROR issue (listing suppressed). */
  suppressedSku: string;
  /** A SKU with quantity 0. */
  outOfStockSku: string;
  /** A SKU the seller does not have. */
  unknownSku: string;
  /** An ASIN that exists in no catalog. */
  unknownAsin: string;
  orders: {
    eligible: string[];
    /** Eligible, but Amazon's GET lists no solicitation action for it (as Amazon sometimes does). */
    eligibleUnlisted: string;
    alreadySolicited: string;
    outsideWindow: string;
    tooEarly: string;
    tooLate: string;
    unknown: string;
  };
  /** A finished JSON_LISTINGS_FEED whose report has one error (the SKU is unknown). */
  feedId: string;
  /** amazonOrderId → marketplaceId of every seeded order. */
  orderMarketplace: Record<string, string>;
  brand: string;
}

export function describeSeller(spec: SellerSpec): SeededSellerInfo {
  const listings: ListingRecord[] = generateListings(spec, fixedSkus(spec.sellingPartnerId));
  const asinBySku = Object.fromEntries(listings.map((l) => [l.sku, l.asin]));
  const orders = seededOrders(spec);
  const fixed = fixedSkus(spec.sellingPartnerId);
  const ofKind = (k: SeededOrder['kind']) => orders.filter((o) => o.kind === k).map((o) => o.amazonOrderId);
  const first = (k: SeededOrder['kind']) => ofKind(k)[0] as string;
  return {
    ...spec,
    skus: listings.map((l) => l.sku),
    asinBySku,
    productTypeBySku: Object.fromEntries(listings.map((l) => [l.sku, l.productType])),
    asins: listings.map((l) => l.asin),
    encodedSku: 'SKU/RED 01+#',
    suppressedSku: fixed[2] ?? (listings.find((l) => l.issues.some((i) => i.severity === 'ERROR'))?.sku as string),
    outOfStockSku: fixed[3] ?? (listings[3]?.sku as string),
    unknownSku: 'NO-SUCH-SKU-404',
    unknownAsin: 'B0NOSUCH00',
    orders: {
      eligible: ofKind('eligible'),
      eligibleUnlisted: first('eligibleUnlisted'),
      alreadySolicited: first('alreadySolicited'),
      outsideWindow: first('tooLate'),
      tooEarly: first('tooEarly'),
      tooLate: first('tooLate'),
      unknown: unknownOrderId(spec.sellingPartnerId),
    },
    feedId: seededFeed(spec)?.feedId ?? '',
    orderMarketplace: Object.fromEntries(orders.map((o) => [o.amazonOrderId, o.marketplaceId])),
    brand: listings[0]?.brand ?? 'Generic',
  };
}

const [NA, EU, FE] = CONTRACT_SELLERS.map(describeSeller) as [SeededSellerInfo, SeededSellerInfo, SeededSellerInfo];

/** Seeded constants for tests. */
export const SEED = {
  lwa: { clientId: LWA_CLIENT_ID, clientSecret: LWA_CLIENT_SECRET },
  sellers: { NA, EU, FE },
  /** Marketplaces by country code. */
  marketplaces: {
    US: 'ATVPDKIKX0DER',
    CA: 'A2EUQ1WTGCTBG2',
    MX: 'A1AM78C64UM0Y8',
    GB: 'A1F83G8C2ARO7P',
    DE: 'A1PA6795UKMFR9',
    FR: 'A13V1IB3VIYZZH',
    JP: 'A1VC38T7YXB528',
  },
} as const;
