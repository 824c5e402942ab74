import type { Region } from '../marketplaces/marketplaces.js';

/** A buyer's connected marketplace, with the authorization (refresh token) that serves its region. */
export interface Connection {
  buyerId: string;
  marketplaceId: string;
  region: Region;
  sellingPartnerId: string;
  authorizationId: string;
  status: 'active' | 'revoked';
  /**
   * The language tag of listing text in this marketplace (e.g. `en_US`): Amazon's defaultLanguageCode
   * from getMarketplaceParticipations, or the broker's table for connections made before it was kept.
   */
  languageTag: string;
}

/** A stored authorization (one per buyer and region); the refresh token stays encrypted. */
export interface AuthorizationRecord {
  id: string;
  buyerId: string;
  region: Region;
  sellingPartnerId: string;
  refreshTokenCiphertext: string;
  status: 'active' | 'revoked';
  revokedReason: string | null;
}
