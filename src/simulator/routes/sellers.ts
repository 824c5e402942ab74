/** Sellers API v1: getMarketplaceParticipations, getAccount ([M] sellers.json). */
import type { FastifyInstance } from 'fastify';
import { brandFor } from '../catalog-data.js';
import { MARKETPLACES } from '../marketplaces.js';
import { registerOperation, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';

function participations(op: OpRequest) {
  // Authorizations are regional: a regional host lists only its own region's marketplaces (REFERENCE §1.1).
  return op.seller.spec.marketplaceIds
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
