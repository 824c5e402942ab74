import { describe, expect, it } from 'vitest';
import {
  AWS_REGION,
  MARKETPLACES,
  REGIONS,
  REGION_CONSENT_HOST,
  findMarketplace,
  marketplacesOf,
  regionEndpoint,
} from '../../src/marketplaces/marketplaces.js';

describe('region router (marketplace table)', () => {
  it('knows Amazon’s 23 marketplaces with unique ids and country codes', () => {
    expect(MARKETPLACES).toHaveLength(23);
    expect(new Set(MARKETPLACES.map((m) => m.id)).size).toBe(23);
    expect(new Set(MARKETPLACES.map((m) => m.countryCode)).size).toBe(23);
  });

  it('splits them over three regions: NA 4, EU 16, FE 3', () => {
    expect(REGIONS).toEqual(['NA', 'EU', 'FE']);
    expect(marketplacesOf('NA').map((m) => m.countryCode).sort()).toEqual(['BR', 'CA', 'MX', 'US']);
    expect(marketplacesOf('EU')).toHaveLength(16);
    expect(marketplacesOf('FE').map((m) => m.countryCode).sort()).toEqual(['AU', 'JP', 'SG']);
  });

  it('uses ISO country codes: GB, not UK', () => {
    expect(findMarketplace('A1F83G8C2ARO7P')?.countryCode).toBe('GB');
    expect(MARKETPLACES.some((m) => m.countryCode === 'UK')).toBe(false);
  });

  it('routes marketplaces to their region', () => {
    expect(findMarketplace('ATVPDKIKX0DER')?.region).toBe('NA');
    expect(findMarketplace('A2Q3Y263D00KWC')?.region).toBe('NA');
    expect(findMarketplace('A1PA6795UKMFR9')?.region).toBe('EU');
    expect(findMarketplace('A21TJRUUN4KGV')?.region).toBe('EU');
    expect(findMarketplace('A1VC38T7YXB528')?.region).toBe('FE');
    expect(findMarketplace('NOPE')).toBeUndefined();
  });

  it('maps regions to AWS regions, consent hosts and configured endpoints', () => {
    expect(AWS_REGION).toEqual({ NA: 'us-east-1', EU: 'eu-west-1', FE: 'us-west-2' });
    expect(REGION_CONSENT_HOST.EU).toBe('https://sellercentral-europe.amazon.com');
    const config = { spapiEndpoints: { NA: 'http://127.0.0.1:1/', EU: 'https://eu.example//', FE: 'https://fe.example' } };
    expect(regionEndpoint(config, 'NA')).toBe('http://127.0.0.1:1');
    expect(regionEndpoint(config, 'EU')).toBe('https://eu.example');
    expect(regionEndpoint(config, 'FE')).toBe('https://fe.example');
  });
});
