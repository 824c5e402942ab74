import { BrokerError, invalidRequest } from '../errors.js';
import { LwaError, type LwaTokens } from '../lwa/client.js';
import type { Region } from '../marketplaces/marketplaces.js';
import { type AmazonApi, encodePathSegment } from '../spapi/types.js';
import type { BrokerServices } from '../services.js';
import { importAuthorization } from './repository.js';
import { fetchParticipations, languageTagsOf, participatingMarketplaceIds } from './status.js';
import type { Connection } from './types.js';

/** What the import route and the OAuth callback share: prove the grant, read participations, store. */
export type ConnectServices = Pick<BrokerServices, 'db' | 'vault' | 'amazon' | 'participations'>;

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
  await proveSellingPartner(amazon, marketplaceIds[0] as string);
  const { authorizationId, connections } = await importAuthorization(services.db, services.vault, {
    buyerId: input.buyerId,
    region: input.region,
    sellingPartnerId: input.sellingPartnerId,
    refreshToken: input.refreshToken,
    marketplaceIds,
    // Listing text is tagged with Amazon's own language code for each store, not a table of ours.
    languageTags: languageTagsOf(participations),
  });
  // Tokens of a replaced grant must not outlive it; the fresh one saves the next call an LWA refresh.
  await services.amazon.accessTokens.forget(authorizationId);
  await services.amazon.accessTokens.prime(authorizationId, tokens);
  await services.participations.remember(input.sellingPartnerId, input.region, participations);
  return connections;
}

/**
 * The callback URL (and an import) only *name* the selling partner; nothing but the token proves it.
 * Everything per seller (caches, report reuse, quota) is keyed on that id, so a buyer who edits it
 * must not be able to pass as another seller: a seller-scoped call with the claimed id answers 403
 * unless the token belongs to that seller.
 */
async function proveSellingPartner(amazon: AmazonApi, marketplaceId: string): Promise<void> {
  try {
    await amazon.call({
      operation: 'searchListingsItems',
      method: 'GET',
      path: `/listings/2021-08-01/items/${encodePathSegment(amazon.seller.sellingPartnerId)}`,
      query: { marketplaceIds: [marketplaceId], pageSize: 1 },
    });
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'SP_API_ERROR' && error.details?.status === 403) {
      throw invalidRequest('selling_partner_id does not belong to this Amazon authorization (or the app lacks the Product Listing role)', {
        field: 'selling_partner_id',
      });
    }
    throw error;
  }
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
