import { findMarketplace, type Region } from '../marketplaces/marketplaces.js';
import type { SharedStore } from '../store/shared-store.js';
import type { AmazonApi } from '../spapi/types.js';

/**
 * Sellers API `getMarketplaceParticipations` (docs/amazon.md#sellers): rate 0.016/s (about one a
 * minute), so answers are cached per selling partner and region for two minutes — never across
 * sellers.
 * The answer only lists the marketplaces of the region whose host was called.
 */
export interface MarketplaceParticipation {
  marketplace: { id: string; name?: string; countryCode?: string; defaultCurrencyCode?: string; defaultLanguageCode?: string; domainName?: string };
  participation: { isParticipating: boolean; hasSuspendedListings: boolean };
  storeName?: string;
}

export interface ConnectStatusData {
  connected: boolean;
  selling_partner_id: string;
  marketplaces: {
    marketplace_id: string;
    country_code: string;
    region: Region;
    participating: boolean;
    has_suspended_listings: boolean;
    store_name?: string;
  }[];
}

export const PARTICIPATIONS_TTL_MS = 120_000;

const cacheKey = (sellingPartnerId: string, region: Region) => `spapi:participations:${region}:${sellingPartnerId}`;

/** Calls Amazon (no cache). */
export async function fetchParticipations(amazon: AmazonApi): Promise<MarketplaceParticipation[]> {
  const response = await amazon.call<{ payload?: unknown }>({
    operation: 'getMarketplaceParticipations',
    method: 'GET',
    path: '/sellers/v1/marketplaceParticipations',
  });
  const payload = Array.isArray(response.body?.payload) ? (response.body.payload as unknown[]) : [];
  return payload.filter(isParticipation);
}

const LOCAL_TTL_MS = 30_000;
const LOCAL_MAX_ENTRIES = 20_000;

/**
 * Participations per selling partner and region: in the shared store for two minutes (every
 * instance sees them: Amazon allows about one call a minute), and in process for 30 s on top, so
 * a cached connect.status costs no round trip to Redis. Participations change rarely (a seller
 * joins a marketplace); at most 2.5 minutes pass before an instance sees it.
 */
export class ParticipationsCache {
  private readonly local = new Map<string, { participations: MarketplaceParticipation[]; expiresAt: number }>();

  constructor(private readonly store: SharedStore) {}

  /** The seller's participations, from a cache when there, else from Amazon. */
  async read(amazon: AmazonApi): Promise<MarketplaceParticipation[]> {
    const { sellingPartnerId, region } = amazon.seller;
    const key = cacheKey(sellingPartnerId, region);
    const memo = this.local.get(key);
    if (memo && memo.expiresAt > Date.now()) return memo.participations;
    const cached = await this.store.get(key).catch(() => null);
    if (cached) {
      try {
        const participations = JSON.parse(cached) as MarketplaceParticipation[];
        this.keepLocally(key, participations);
        return participations;
      } catch {
        // fall through to Amazon
      }
    }
    const participations = await fetchParticipations(amazon);
    await this.remember(sellingPartnerId, region, participations);
    return participations;
  }

  /** Fresh participations (from Amazon) for every instance. */
  async remember(sellingPartnerId: string, region: Region, participations: MarketplaceParticipation[]): Promise<void> {
    const key = cacheKey(sellingPartnerId, region);
    this.keepLocally(key, participations);
    await this.store.set(key, JSON.stringify(participations), PARTICIPATIONS_TTL_MS).catch(() => {});
  }

  private keepLocally(key: string, participations: MarketplaceParticipation[]) {
    this.local.delete(key);
    this.local.set(key, { participations, expiresAt: Date.now() + LOCAL_TTL_MS });
    // Insertion order is expiry order: the first entry is the oldest.
    if (this.local.size > LOCAL_MAX_ENTRIES) this.local.delete(this.local.keys().next().value as string);
  }
}

/** The marketplaces the seller takes part in, within `region` and known to the broker, in Amazon's order. */
export function participatingMarketplaceIds(participations: MarketplaceParticipation[], region: Region): string[] {
  return participations
    .filter((p) => p.participation.isParticipating && findMarketplace(p.marketplace.id)?.region === region)
    .map((p) => p.marketplace.id);
}

/**
 * What agents see: only the 23 retail marketplaces. Amazon also lists non-retail "shadow"
 * marketplaces (e.g. A2ZV50J4W1RKNI Non-Amazon, AHRY1CZE9ZY4H, A1MQXOICRS2Z7M) as participating
 * (docs#1260, models#1367); no capability can use them.
 */
/** A language tag as listings take it (`en_US`, `ar_AE`): letters, underscore, region. */
const LANGUAGE_TAG = /^[a-z]{2,3}_[A-Z]{2}$/;

/** Amazon's defaultLanguageCode per marketplace (Sellers API), where it looks like a language tag. */
export function languageTagsOf(participations: MarketplaceParticipation[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const p of participations) {
    const tag = p.marketplace.defaultLanguageCode;
    if (typeof tag === 'string' && LANGUAGE_TAG.test(tag)) tags[p.marketplace.id] = tag;
  }
  return tags;
}

export function toConnectStatus(sellingPartnerId: string, region: Region, participations: MarketplaceParticipation[]): ConnectStatusData {
  const marketplaces = participations.flatMap((p) => {
    const known = findMarketplace(p.marketplace.id);
    if (!known) return [];
    return {
      marketplace_id: p.marketplace.id,
      country_code: p.marketplace.countryCode ?? known.countryCode,
      region: known.region,
      participating: p.participation.isParticipating,
      has_suspended_listings: p.participation.hasSuspendedListings,
      ...(p.storeName ? { store_name: p.storeName } : {}),
    };
  });
  return { connected: marketplaces.some((m) => m.participating), selling_partner_id: sellingPartnerId, marketplaces };
}

/** The body of the `connect.status` capability. */
export async function connectStatus(amazon: AmazonApi, cache: ParticipationsCache): Promise<ConnectStatusData> {
  const participations = await cache.read(amazon);
  return toConnectStatus(amazon.seller.sellingPartnerId, amazon.seller.region, participations);
}

function isParticipation(value: unknown): value is MarketplaceParticipation {
  if (!value || typeof value !== 'object') return false;
  const v = value as { marketplace?: { id?: unknown }; participation?: { isParticipating?: unknown } };
  return typeof v.marketplace?.id === 'string' && typeof v.participation?.isParticipating === 'boolean';
}
