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
}

const M = (
  id: string,
  name: string,
  countryCode: string,
  defaultCurrencyCode: string,
  defaultLanguageCode: string,
  domainName: string,
  region: Region,
  timeZone: string,
): MarketplaceInfo => ({ id, name, countryCode, defaultCurrencyCode, defaultLanguageCode, domainName, region, timeZone });

export const MARKETPLACES: Readonly<Record<string, MarketplaceInfo>> = Object.fromEntries(
  [
    M('A2EUQ1WTGCTBG2', 'Amazon.ca', 'CA', 'CAD', 'en_CA', 'www.amazon.ca', 'NA', 'America/Toronto'),
    M('ATVPDKIKX0DER', 'Amazon.com', 'US', 'USD', 'en_US', 'www.amazon.com', 'NA', 'America/Los_Angeles'),
    M('A1AM78C64UM0Y8', 'Amazon.com.mx', 'MX', 'MXN', 'es_MX', 'www.amazon.com.mx', 'NA', 'America/Mexico_City'),
    M('A2Q3Y263D00KWC', 'Amazon.com.br', 'BR', 'BRL', 'pt_BR', 'www.amazon.com.br', 'NA', 'America/Sao_Paulo'),
    M('A28R8C7NBKEWEA', 'Amazon.ie', 'IE', 'EUR', 'en_IE', 'www.amazon.ie', 'EU', 'Europe/Dublin'),
    M('A1RKKUPIHCS9HS', 'Amazon.es', 'ES', 'EUR', 'es_ES', 'www.amazon.es', 'EU', 'Europe/Madrid'),
    M('A1F83G8C2ARO7P', 'Amazon.co.uk', 'GB', 'GBP', 'en_GB', 'www.amazon.co.uk', 'EU', 'Europe/London'),
    M('A13V1IB3VIYZZH', 'Amazon.fr', 'FR', 'EUR', 'fr_FR', 'www.amazon.fr', 'EU', 'Europe/Paris'),
    M('AMEN7PMS3EDWL', 'Amazon.com.be', 'BE', 'EUR', 'fr_BE', 'www.amazon.com.be', 'EU', 'Europe/Brussels'),
    M('A1805IZSGTT6HS', 'Amazon.nl', 'NL', 'EUR', 'nl_NL', 'www.amazon.nl', 'EU', 'Europe/Amsterdam'),
    M('A1PA6795UKMFR9', 'Amazon.de', 'DE', 'EUR', 'de_DE', 'www.amazon.de', 'EU', 'Europe/Berlin'),
    M('APJ6JRA9NG5V4', 'Amazon.it', 'IT', 'EUR', 'it_IT', 'www.amazon.it', 'EU', 'Europe/Rome'),
    M('A2NODRKZP88ZB9', 'Amazon.se', 'SE', 'SEK', 'sv_SE', 'www.amazon.se', 'EU', 'Europe/Stockholm'),
    M('AE08WJ6YKNBMC', 'Amazon.co.za', 'ZA', 'ZAR', 'en_ZA', 'www.amazon.co.za', 'EU', 'Africa/Johannesburg'),
    M('A1C3SOZRARQ6R3', 'Amazon.pl', 'PL', 'PLN', 'pl_PL', 'www.amazon.pl', 'EU', 'Europe/Warsaw'),
    M('ARBP9OOSHTCHU', 'Amazon.eg', 'EG', 'EGP', 'ar_EG', 'www.amazon.eg', 'EU', 'Africa/Cairo'),
    M('A33AVAJ2PDY3EV', 'Amazon.com.tr', 'TR', 'TRY', 'tr_TR', 'www.amazon.com.tr', 'EU', 'Europe/Istanbul'),
    M('A17E79C6D8DWNP', 'Amazon.sa', 'SA', 'SAR', 'ar_AE', 'www.amazon.sa', 'EU', 'Asia/Riyadh'),
    M('A2VIGQ35RCS4UG', 'Amazon.ae', 'AE', 'AED', 'en_AE', 'www.amazon.ae', 'EU', 'Asia/Dubai'),
    M('A21TJRUUN4KGV', 'Amazon.in', 'IN', 'INR', 'en_IN', 'www.amazon.in', 'EU', 'Asia/Kolkata'),
    M('A19VAU5U5O7RUS', 'Amazon.sg', 'SG', 'SGD', 'en_SG', 'www.amazon.sg', 'FE', 'Asia/Singapore'),
    M('A39IBJ37TRP1C6', 'Amazon.com.au', 'AU', 'AUD', 'en_AU', 'www.amazon.com.au', 'FE', 'Australia/Sydney'),
    M('A1VC38T7YXB528', 'Amazon.co.jp', 'JP', 'JPY', 'ja_JP', 'www.amazon.co.jp', 'FE', 'Asia/Tokyo'),
  ].map((m) => [m.id, m]),
);

export function marketplace(id: string): MarketplaceInfo | undefined {
  return Object.prototype.hasOwnProperty.call(MARKETPLACES, id) ? MARKETPLACES[id] : undefined;
}

/** Currencies without minor units (amounts are whole numbers). */
export function currencyDecimals(currency: string): number {
  return currency === 'JPY' ? 0 : 2;
}
