import { BrokerError, invalidRequest } from '../errors.js';
import { LwaError, type LwaTokens } from '../lwa/client.js';
import type { Region } from '../marketplaces/marketplaces.js';
import type { BrokerServices } from '../services.js';
import { importAuthorization } from './repository.js';
import { cacheParticipations, fetchParticipations, participatingMarketplaceIds } from './status.js';
import type { Connection } from './types.js';

/** What the import route and the OAuth callback share: prove the grant, read participations, store. */
export type ConnectServices = Pick<BrokerServices, 'db' | 'vault' | 'store' | 'amazon'>;

export interface ConnectSellerInput {
  buyerId: string;
  region: Region;
  sellingPartnerId: string;
  refreshToken: string;
  /** Tokens already obtained from LWA (OAuth code exchange); otherwise the refresh token is exchanged here. */
  tokens?: LwaTokens;
}

export async function connectSeller(services: ConnectServices, input: ConnectSellerInput): Promise<Connection[]> {
  const tokens = input.tokens ?? (await proveRefreshToken(services, input.refreshToken));
  const amazon = services.amazon.forSeller(
    { authorizationId: 'pending', buyerId: input.buyerId, sellingPartnerId: input.sellingPartnerId, region: input.region },
    { accessToken: tokens.accessToken },
  );
  const participations = await fetchParticipations(amazon);
  const marketplaceIds = participatingMarketplaceIds(participations, input.region);
  if (marketplaceIds.length === 0) {
    throw invalidRequest(`the seller takes part in no marketplace of region ${input.region}`, { region: input.region });
  }
  const { authorizationId, connections } = await importAuthorization(services.db, services.vault, {
    buyerId: input.buyerId,
    region: input.region,
    sellingPartnerId: input.sellingPartnerId,
    refreshToken: input.refreshToken,
    marketplaceIds,
  });
  // Tokens of a replaced grant must not outlive it; the fresh one saves the next call an LWA refresh.
  await services.amazon.accessTokens.forget(authorizationId);
  await services.amazon.accessTokens.prime(authorizationId, tokens);
  await cacheParticipations(services.store, input.sellingPartnerId, input.region, participations);
  return connections;
}

async function proveRefreshToken(services: ConnectServices, refreshToken: string): Promise<LwaTokens> {
  try {
    return await services.amazon.lwa.refresh(refreshToken);
  } catch (error) {
    throw lwaFailure(error, 'refresh token rejected by Amazon');
  }
}

/** LWA failures while connecting: a refused grant is the caller's mistake (400), the rest Amazon's (502). */
export function lwaFailure(error: unknown, invalidGrantMessage: string): unknown {
  if (!(error instanceof LwaError)) return error;
  if (error.kind === 'invalid_grant') return invalidRequest(invalidGrantMessage);
  return new BrokerError('SP_API_ERROR', 'Amazon login (LWA) failed; try again shortly', {
    retryable: error.kind === 'transient',
    details: { status: error.status, lwa_error: error.lwaError },
  });
}

export { disconnectBuyer, findConnection, importAuthorization, listConnections } from './repository.js';
