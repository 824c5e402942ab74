/**
 * Marketplace table of the simulator (https://developer-docs.amazon.com/sp-api/docs/marketplace-ids).
 * Keyed on marketplace id; `countryCode` is ISO 3166-1 alpha-2 as the Sellers API returns it (GB, not UK).
 */
export type Region = 'NA' | 'EU' | 'FE';

export interface MarketplaceInfo {
  id: string;
  name: string;
  countryCode: string;
  defaultCurrencyCode: string;
  defaultLanguageCode: string;
  domainName: string;
  region: Region;
  /** IANA zone used for the seller's "local day" in seeded data. */
  timeZone: string;
  /**
   * Seller Central host where this store's sellers sign in and give consent (developer-docs
   * "Seller Central URLs"; docs/amazon.md#regions-and-marketplaces): most stores have their own,
   * the big EU ones share one.
   */
  sellerCentralUrl: string;
}

const EUROPE = 'https://sellercentral-europe.amazon.com';

const M = (
  id: string,
  name: string,
  countryCode: string,
  defaultCurrencyCode: string,
  defaultLanguageCode: string,
  domainName: string,
  region: Region,
  timeZone: string,
  sellerCentralUrl: string,
): MarketplaceInfo => ({ id, name, countryCode, defaultCurrencyCode, defaultLanguageCode, domainName, region, timeZone, sellerCentralUrl });

export const MARKETPLACES: Readonly<Record<string, MarketplaceInfo>> = Object.fromEntries(
  [
    M('A2EUQ1WTGCTBG2', 'Amazon.ca', 'CA', 'CAD', 'en_CA', 'www.amazon.ca', 'NA', 'America/Toronto', 'https://sellercentral.amazon.ca'),
    M('ATVPDKIKX0DER', 'Amazon.com', 'US', 'USD', 'en_US', 'www.amazon.com', 'NA', 'America/Los_Angeles', 'https://sellercentral.amazon.com'),
    M('A1AM78C64UM0Y8', 'Amazon.com.mx', 'MX', 'MXN', 'es_MX', 'www.amazon.com.mx', 'NA', 'America/Mexico_City', 'https://sellercentral.amazon.com.mx'),
    M('A2Q3Y263D00KWC', 'Amazon.com.br', 'BR', 'BRL', 'pt_BR', 'www.amazon.com.br', 'NA', 'America/Sao_Paulo', 'https://sellercentral.amazon.com.br'),
    M('A28R8C7NBKEWEA', 'Amazon.ie', 'IE', 'EUR', 'en_IE', 'www.amazon.ie', 'EU', 'Europe/Dublin', 'https://sellercentral.amazon.ie'),
    M('A1RKKUPIHCS9HS', 'Amazon.es', 'ES', 'EUR', 'es_ES', 'www.amazon.es', 'EU', 'Europe/Madrid', EUROPE),
    M('A1F83G8C2ARO7P', 'Amazon.co.uk', 'GB', 'GBP', 'en_GB', 'www.amazon.co.uk', 'EU', 'Europe/London', EUROPE),
    M('A13V1IB3VIYZZH', 'Amazon.fr', 'FR', 'EUR', 'fr_FR', 'www.amazon.fr', 'EU', 'Europe/Paris', EUROPE),
    M('AMEN7PMS3EDWL', 'Amazon.com.be', 'BE', 'EUR', 'fr_BE', 'www.amazon.com.be', 'EU', 'Europe/Brussels', 'https://sellercentral.amazon.com.be'),
    M('A1805IZSGTT6HS', 'Amazon.nl', 'NL', 'EUR', 'nl_NL', 'www.amazon.nl', 'EU', 'Europe/Amsterdam', 'https://sellercentral.amazon.nl'),
    M('A1PA6795UKMFR9', 'Amazon.de', 'DE', 'EUR', 'de_DE', 'www.amazon.de', 'EU', 'Europe/Berlin', EUROPE),
    M('APJ6JRA9NG5V4', 'Amazon.it', 'IT', 'EUR', 'it_IT', 'www.amazon.it', 'EU', 'Europe/Rome', EUROPE),
    M('A2NODRKZP88ZB9', 'Amazon.se', 'SE', 'SEK', 'sv_SE', 'www.amazon.se', 'EU', 'Europe/Stockholm', 'https://sellercentral.amazon.se'),
    M('AE08WJ6YKNBMC', 'Amazon.co.za', 'ZA', 'ZAR', 'en_ZA', 'www.amazon.co.za', 'EU', 'Africa/Johannesburg', 'https://sellercentral.amazon.co.za'),
    M('A1C3SOZRARQ6R3', 'Amazon.pl', 'PL', 'PLN', 'pl_PL', 'www.amazon.pl', 'EU', 'Europe/Warsaw', 'https://sellercentral.amazon.pl'),
    M('ARBP9OOSHTCHU', 'Amazon.eg', 'EG', 'EGP', 'ar_EG', 'www.amazon.eg', 'EU', 'Africa/Cairo', 'https://sellercentral.amazon.eg'),
    M('A33AVAJ2PDY3EV', 'Amazon.com.tr', 'TR', 'TRY', 'tr_TR', 'www.amazon.com.tr', 'EU', 'Europe/Istanbul', 'https://sellercentral.amazon.com.tr'),
    M('A17E79C6D8DWNP', 'Amazon.sa', 'SA', 'SAR', 'ar_AE', 'www.amazon.sa', 'EU', 'Asia/Riyadh', 'https://sellercentral.amazon.sa'),
    M('A2VIGQ35RCS4UG', 'Amazon.ae', 'AE', 'AED', 'en_AE', 'www.amazon.ae', 'EU', 'Asia/Dubai', 'https://sellercentral.amazon.ae'),
    M('A21TJRUUN4KGV', 'Amazon.in', 'IN', 'INR', 'en_IN', 'www.amazon.in', 'EU', 'Asia/Kolkata', 'https://sellercentral.amazon.in'),
    M('A19VAU5U5O7RUS', 'Amazon.sg', 'SG', 'SGD', 'en_SG', 'www.amazon.sg', 'FE', 'Asia/Singapore', 'https://sellercentral.amazon.sg'),
    M('A39IBJ37TRP1C6', 'Amazon.com.au', 'AU', 'AUD', 'en_AU', 'www.amazon.com.au', 'FE', 'Australia/Sydney', 'https://sellercentral.amazon.com.au'),
    M('A1VC38T7YXB528', 'Amazon.co.jp', 'JP', 'JPY', 'ja_JP', 'www.amazon.co.jp', 'FE', 'Asia/Tokyo', 'https://sellercentral.amazon.co.jp'),
  ].map((m) => [m.id, m]),
);

export function marketplace(id: string): MarketplaceInfo | undefined {
  return Object.prototype.hasOwnProperty.call(MARKETPLACES, id) ? MARKETPLACES[id] : undefined;
}

/** Currencies without minor units (amounts are whole numbers). */
export function currencyDecimals(currency: string): number {
  return currency === 'JPY' ? 0 : 2;
}
