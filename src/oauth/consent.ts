import type { Config } from '../config.js';
import { invalidRequest } from '../errors.js';
import { findMarketplace, REGION_CONSENT_HOST, type Region } from '../marketplaces/marketplaces.js';

/**
 * Seller Central consent URL (docs/amazon.md#lwa-and-authorization):
 * `{SellerCentral}/apps/authorize/consent?application_id=…&state=…[&version=beta][&redirect_uri=…]`.
 * `version=beta` only while the app is in Draft; `redirect_uri` must be one registered for the app.
 */
export function consentUrl(
  config: Pick<Config, 'spapiAppId' | 'spapiAppIsDraft' | 'oauthRedirectUri'>,
  target: ConsentTarget,
  state: string,
): string {
  const url = new URL('/apps/authorize/consent', target.host);
  url.searchParams.set('application_id', config.spapiAppId ?? '');
  url.searchParams.set('state', state);
  if (config.spapiAppIsDraft) url.searchParams.set('version', 'beta');
  if (config.oauthRedirectUri) url.searchParams.set('redirect_uri', config.oauthRedirectUri);
  return url.toString();
}

export interface ConsentTarget {
  region: Region;
  /** Seller Central origin of the consent page. */
  host: string;
}

/**
 * Where the seller gives consent: the named store's own Seller Central host (IN, AE, SA, TR, EG, ZA,
 * AU, SG, BR, MX, JP… each have one; docs/amazon.md#regions-and-marketplaces) in that
 * store's region, else the region's main host. A region that contradicts the store is refused.
 */
export function consentTarget(input: { region?: Region | undefined; marketplaceId?: string | undefined }): ConsentTarget {
  if (input.marketplaceId === undefined) {
    const region = input.region ?? 'NA';
    return { region, host: REGION_CONSENT_HOST[region] };
  }
  const marketplace = findMarketplace(input.marketplaceId);
  if (!marketplace) throw invalidRequest(`marketplace_id ${input.marketplaceId} is not one of Amazon's 23 marketplaces`, { field: 'body.marketplace_id' });
  if (input.region !== undefined && input.region !== marketplace.region) {
    throw invalidRequest(`marketplace ${marketplace.id} (${marketplace.countryCode}) is in region ${marketplace.region}, not ${input.region}; pass one of them`, { field: 'body.region' });
  }
  return { region: marketplace.region, host: marketplace.sellerCentralUrl };
}
