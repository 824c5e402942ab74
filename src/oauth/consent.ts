import type { Config } from '../config.js';
import { REGION_CONSENT_HOST, type Region } from '../marketplaces/marketplaces.js';

/**
 * Seller Central consent URL (REFERENCE §1.5):
 * `{SellerCentral}/apps/authorize/consent?application_id=…&state=…[&version=beta][&redirect_uri=…]`.
 * `version=beta` only while the app is in Draft; `redirect_uri` must be one registered for the app.
 */
export function consentUrl(
  config: Pick<Config, 'spapiAppId' | 'spapiAppIsDraft' | 'oauthRedirectUri'>,
  region: Region,
  state: string,
): string {
  const url = new URL('/apps/authorize/consent', REGION_CONSENT_HOST[region]);
  url.searchParams.set('application_id', config.spapiAppId ?? '');
  url.searchParams.set('state', state);
  if (config.spapiAppIsDraft) url.searchParams.set('version', 'beta');
  if (config.oauthRedirectUri) url.searchParams.set('redirect_uri', config.oauthRedirectUri);
  return url.toString();
}
