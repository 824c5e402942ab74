import { BrokerError, conflict, invalidRequest, notFound } from '../errors.js';
import { LwaError, type LwaTokens } from '../lwa/client.js';
import type { Region } from '../marketplaces/marketplaces.js';
import { type AmazonApi, encodePathSegment } from '../spapi/types.js';
import type { BrokerServices } from '../services.js';
import { authorizationEvent } from '../audit/audit.js';
import { confirmPendingAuthorization, createPendingAuthorization, PENDING_AUTHORIZATION_TTL_MS, type ConfirmedAuthorization } from './pending.js';
import { importAuthorization } from './repository.js';
import { fetchParticipations, languageTagsOf, participatingMarketplaceIds } from './participations.js';
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

interface VerifiedSeller {
  tokens: LwaTokens;
  marketplaceIds: string[];
  languageTags: Record<string, string>;
}

/** Proves the grant and the selling partner id, and reads the seller's marketplaces of the region. */
async function verifySeller(services: ConnectServices, input: ConnectSellerInput): Promise<VerifiedSeller> {
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
  // Amazon's answer about this (now proven) seller: every instance may use it, whoever connects.
  await services.participations.remember(input.sellingPartnerId, input.region, participations);
  // Listing text is tagged with Amazon's own language code for each store, not a table of ours.
  return { tokens, marketplaceIds, languageTags: languageTagsOf(participations) };
}

/** Import (SellerShorts holds the refresh token already): verified, then at once the buyer's. */
export async function connectSeller(services: ConnectServices, input: ConnectSellerInput): Promise<Connection[]> {
  const seller = await verifySeller(services, input);
  const { authorizationId, connections } = await importAuthorization(services.db, services.vault, {
    buyerId: input.buyerId,
    region: input.region,
    sellingPartnerId: input.sellingPartnerId,
    refreshToken: input.refreshToken,
    marketplaceIds: seller.marketplaceIds,
    languageTags: seller.languageTags,
  });
  // Tokens of a replaced grant must not outlive it; the fresh one saves the next call an LWA refresh.
  await services.amazon.accessTokens.forget(authorizationId);
  await services.amazon.accessTokens.prime(authorizationId, seller.tokens);
  return connections;
}

/**
 * OAuth callback: verified as an import is, then stored as pending. It connects nobody until
 * SellerShorts confirms it for the signed-in buyer (confirmAuthorization).
 */
export async function stageAuthorization(services: ConnectServices, input: ConnectSellerInput): Promise<{ id: string; expiresAt: Date }> {
  const seller = await verifySeller(services, input);
  return createPendingAuthorization(services.db, services.vault, {
    buyerId: input.buyerId,
    region: input.region,
    sellingPartnerId: input.sellingPartnerId,
    refreshToken: input.refreshToken,
    marketplaceIds: seller.marketplaceIds,
    languageTags: seller.languageTags,
  });
}

export type ConfirmServices = Pick<BrokerServices, 'db' | 'vault' | 'amazon' | 'audit'>;

/**
 * SellerShorts confirms a pending authorization for the buyer signed in: it becomes the buyer's
 * authorization for its region (replacing the earlier one) with one connection per participating
 * marketplace. Repeating answers the same connections. Unknown, or another buyer's: 404. Past its
 * 10 minutes: 409, as a staged write past its time is; the refresh token is erased. Audited.
 */
export async function confirmAuthorization(
  services: ConfirmServices,
  input: { buyerId: string; authorizationId: string },
  now = new Date(),
): Promise<ConfirmedAuthorization & { first: boolean }> {
  const started = performance.now();
  const audit = (outcome: string, httpStatus: number, marketplaceId: string | null = null) =>
    services.audit.record(
      authorizationEvent('authorization_confirm', { buyerId: input.buyerId, outcome, httpStatus, marketplaceId, latencyMs: performance.now() - started }, now),
    );
  const step = await confirmPendingAuthorization(services.db, services.vault, { buyerId: input.buyerId, id: input.authorizationId }, now);
  if (step.kind === 'not_found') {
    const error = notFound(`no Amazon authorization ${input.authorizationId} for buyer ${input.buyerId}`, { field: 'params.authorization_id' });
    audit(error.code, error.httpStatus);
    throw error;
  }
  if (step.kind === 'expired') {
    if (step.closedNow) services.audit.record(authorizationEvent('authorization_expire', { buyerId: input.buyerId, outcome: 'EXPIRED', httpStatus: 0 }, now));
    const why = step.unreadable
      ? 'can no longer be read (its vault key was retired)'
      : `was not confirmed within ${PENDING_AUTHORIZATION_TTL_MS / 60_000} minutes of the OAuth callback`;
    const error = conflict(`Amazon authorization ${input.authorizationId} ${why} and was discarded; start the authorization again`, { status: 'expired' });
    audit(error.code, error.httpStatus);
    throw error;
  }
  // The replaced grant's access tokens must not outlive it (a repeat has nothing new to drop).
  if (step.first) await services.amazon.accessTokens.forget(step.authorizationId);
  audit('CONNECTED', 200, step.connections[0]?.marketplace_id ?? null);
  return { first: step.first, authorizationId: step.authorizationId, region: step.region, sellingPartnerId: step.sellingPartnerId, connections: step.connections };
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
