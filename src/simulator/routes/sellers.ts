/** Sellers API v1: getMarketplaceParticipations, getAccount ([M] sellers.json). */
import type { FastifyInstance } from 'fastify';
import { brandFor } from '../catalog-data.js';
import { MARKETPLACES, type Region } from '../marketplaces.js';
import { registerOperation, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';

/**
 * Amazon also lists non-retail "shadow" marketplaces as participating: Non-Amazon (multi-channel
 * fulfilment), an invoicing shadow marketplace, an SI test store (docs#1260, models#1367, models#907;
 * docs/amazon.md#sellers). They are not stores an agent can sell in.
 */
const SHADOW_MARKETPLACES: Readonly<Record<Region, { id: string; name: string; countryCode: string; defaultCurrencyCode: string; defaultLanguageCode: string; domainName: string }[]>> = {
  NA: [
    { id: 'A2ZV50J4W1RKNI', name: 'Non-Amazon', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'sim1.stores.amazon.com' },
    { id: 'AHRY1CZE9ZY4H', name: 'Amazon.com Invoicing Shadow Marketplace', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'www.amazon.com' },
    { id: 'A1MQXOICRS2Z7M', name: 'SI CA Prod Marketplace', countryCode: 'CA', defaultCurrencyCode: 'CAD', defaultLanguageCode: 'en_CA', domainName: 'siprod.stores.amazon.ca' },
  ],
  EU: [],
  FE: [],
};

function shadowParticipations(op: OpRequest) {
  const regions = op.host.region === null ? (Object.keys(SHADOW_MARKETPLACES) as Region[]) : [op.host.region];
  const sellerRegions = new Set(op.seller.spec.marketplaceIds.map((id) => MARKETPLACES[id]?.region));
  return regions
    .filter((region) => sellerRegions.has(region))
    .flatMap((region) => SHADOW_MARKETPLACES[region])
    .map((marketplace) => ({ marketplace, participation: { isParticipating: true, hasSuspendedListings: false }, storeName: brandFor(op.sellerId) }));
}

function participations(op: OpRequest) {
  // Authorizations are regional: a regional host lists only its own region's marketplaces
  // (docs/amazon.md#regions-and-marketplaces).
  const retail = op.seller.spec.marketplaceIds
    .map((id) => MARKETPLACES[id])
    .filter((m) => m !== undefined && (op.host.region === null || m.region === op.host.region))
    .map((m) => ({
      marketplace: {
        id: m!.id,
        name: m!.name,
        countryCode: m!.countryCode,
        defaultCurrencyCode: m!.defaultCurrencyCode,
        defaultLanguageCode: m!.defaultLanguageCode,
        domainName: m!.domainName,
      },
      participation: { isParticipating: true, hasSuspendedListings: false },
      storeName: brandFor(op.sellerId),
    }));
  return [...retail, ...shadowParticipations(op)];
}

export function registerSellers(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'GET', url: '/sellers/v1/marketplaceParticipations', operationId: 'getMarketplaceParticipations' }, (op) => ({
    status: 200,
    body: { payload: participations(op) },
  }));

  registerOperation(app, sim, host, { method: 'GET', url: '/sellers/v1/account', operationId: 'getAccount' }, (op) => ({
    status: 200,
    body: {
      payload: {
        marketplaceParticipationList: participations(op),
        businessType: 'PRIVATE_LIMITED',
        sellingPlan: 'PROFESSIONAL',
        business: {
          name: `${brandFor(op.sellerId)} LLC`,
          registeredBusinessAddress: { addressLine1: '410 Terry Ave N', city: 'Seattle', stateOrProvinceCode: 'WA', postalCode: '98109', countryCode: 'US' },
        },
      },
    },
  }));
}
