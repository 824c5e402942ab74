import type { Config } from '../config.js';

/**
 * The region router's single source of truth: Amazon's 23 marketplaces.
 * https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
 * Authorizations are regional, so a marketplace decides which refresh token and host serve a call.
 * `countryCode` is ISO 3166-1 (GB, not the docs' "UK"), as the Sellers API returns it.
 */
export type Region = 'NA' | 'EU' | 'FE';
export const REGIONS: readonly Region[] = ['NA', 'EU', 'FE'];

export interface Marketplace {
  id: string;
  countryCode: string;
  country: string;
  region: Region;
  currency: string;
  /** Seller Central host of the consent page for sellers of this marketplace. */
  sellerCentralUrl: string;
  /** IANA zone Amazon reports this marketplace's days in. */
  timeZone: string;
  /**
   * Fallback only: listings use the language tag Amazon gives per connection (getMarketplaceParticipations
   * defaultLanguageCode, kept on the connection); this one serves connections made before it was kept.
   */
  languageTag: string;
}

const m = (
  id: string,
  countryCode: string,
  country: string,
  region: Region,
  currency: string,
  sellerCentralUrl: string,
  timeZone: string,
  languageTag: string,
): Marketplace => ({ id, countryCode, country, region, currency, sellerCentralUrl, timeZone, languageTag });

const EUROPE_CENTRAL = 'https://sellercentral-europe.amazon.com';

export const MARKETPLACES: readonly Marketplace[] = [
  m('A2EUQ1WTGCTBG2', 'CA', 'Canada', 'NA', 'CAD', 'https://sellercentral.amazon.ca', 'America/Toronto', 'en_CA'),
  m('ATVPDKIKX0DER', 'US', 'United States', 'NA', 'USD', 'https://sellercentral.amazon.com', 'America/Los_Angeles', 'en_US'),
  m('A1AM78C64UM0Y8', 'MX', 'Mexico', 'NA', 'MXN', 'https://sellercentral.amazon.com.mx', 'America/Mexico_City', 'es_MX'),
  m('A2Q3Y263D00KWC', 'BR', 'Brazil', 'NA', 'BRL', 'https://sellercentral.amazon.com.br', 'America/Sao_Paulo', 'pt_BR'),
  m('A28R8C7NBKEWEA', 'IE', 'Ireland', 'EU', 'EUR', 'https://sellercentral.amazon.ie', 'Europe/Dublin', 'en_IE'),
  m('A1RKKUPIHCS9HS', 'ES', 'Spain', 'EU', 'EUR', EUROPE_CENTRAL, 'Europe/Madrid', 'es_ES'),
  m('A1F83G8C2ARO7P', 'GB', 'United Kingdom', 'EU', 'GBP', EUROPE_CENTRAL, 'Europe/London', 'en_GB'),
  m('A13V1IB3VIYZZH', 'FR', 'France', 'EU', 'EUR', EUROPE_CENTRAL, 'Europe/Paris', 'fr_FR'),
  m('AMEN7PMS3EDWL', 'BE', 'Belgium', 'EU', 'EUR', 'https://sellercentral.amazon.com.be', 'Europe/Brussels', 'fr_BE'),
  m('A1805IZSGTT6HS', 'NL', 'Netherlands', 'EU', 'EUR', 'https://sellercentral.amazon.nl', 'Europe/Amsterdam', 'nl_NL'),
  m('A1PA6795UKMFR9', 'DE', 'Germany', 'EU', 'EUR', EUROPE_CENTRAL, 'Europe/Berlin', 'de_DE'),
  m('APJ6JRA9NG5V4', 'IT', 'Italy', 'EU', 'EUR', EUROPE_CENTRAL, 'Europe/Rome', 'it_IT'),
  m('A2NODRKZP88ZB9', 'SE', 'Sweden', 'EU', 'SEK', 'https://sellercentral.amazon.se', 'Europe/Stockholm', 'sv_SE'),
  m('AE08WJ6YKNBMC', 'ZA', 'South Africa', 'EU', 'ZAR', 'https://sellercentral.amazon.co.za', 'Africa/Johannesburg', 'en_ZA'),
  m('A1C3SOZRARQ6R3', 'PL', 'Poland', 'EU', 'PLN', 'https://sellercentral.amazon.pl', 'Europe/Warsaw', 'pl_PL'),
  m('ARBP9OOSHTCHU', 'EG', 'Egypt', 'EU', 'EGP', 'https://sellercentral.amazon.eg', 'Africa/Cairo', 'ar_EG'),
  m('A33AVAJ2PDY3EV', 'TR', 'Turkey', 'EU', 'TRY', 'https://sellercentral.amazon.com.tr', 'Europe/Istanbul', 'tr_TR'),
  m('A17E79C6D8DWNP', 'SA', 'Saudi Arabia', 'EU', 'SAR', 'https://sellercentral.amazon.sa', 'Asia/Riyadh', 'ar_SA'),
  m('A2VIGQ35RCS4UG', 'AE', 'United Arab Emirates', 'EU', 'AED', 'https://sellercentral.amazon.ae', 'Asia/Dubai', 'en_AE'),
  m('A21TJRUUN4KGV', 'IN', 'India', 'EU', 'INR', 'https://sellercentral.amazon.in', 'Asia/Kolkata', 'en_IN'),
  m('A19VAU5U5O7RUS', 'SG', 'Singapore', 'FE', 'SGD', 'https://sellercentral.amazon.sg', 'Asia/Singapore', 'en_SG'),
  m('A39IBJ37TRP1C6', 'AU', 'Australia', 'FE', 'AUD', 'https://sellercentral.amazon.com.au', 'Australia/Sydney', 'en_AU'),
  m('A1VC38T7YXB528', 'JP', 'Japan', 'FE', 'JPY', 'https://sellercentral.amazon.co.jp', 'Asia/Tokyo', 'ja_JP'),
];

const BY_ID = new Map(MARKETPLACES.map((marketplace) => [marketplace.id, marketplace]));

export const MARKETPLACE_IDS = MARKETPLACES.map((marketplace) => marketplace.id);

export function findMarketplace(id: string): Marketplace | undefined {
  return BY_ID.get(id);
}

/** The AWS region of each SP-API host: the SigV4 credential scope. */
export const AWS_REGION: Record<Region, string> = { NA: 'us-east-1', EU: 'eu-west-1', FE: 'us-west-2' };

/** The Seller Central host where a region's sellers give consent (the first marketplace's host). */
export const REGION_CONSENT_HOST: Record<Region, string> = {
  NA: 'https://sellercentral.amazon.com',
  EU: EUROPE_CENTRAL,
  FE: 'https://sellercentral.amazon.co.jp',
};

export function regionEndpoint(config: Pick<Config, 'spapiEndpoints'>, region: Region): string {
  return config.spapiEndpoints[region].replace(/\/+$/, '');
}

export function marketplacesOf(region: Region): Marketplace[] {
  return MARKETPLACES.filter((marketplace) => marketplace.region === region);
}
