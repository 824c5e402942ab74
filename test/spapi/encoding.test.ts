import { describe, expect, it } from 'vitest';
import { buildQuery, encodeRfc3986 } from '../../src/spapi/http.js';
import { encodePathSegment } from '../../src/spapi/types.js';

describe('RFC 3986 encoding of paths and queries', () => {
  it('leaves unreserved characters alone and encodes everything else, !\'()* included', () => {
    expect(encodeRfc3986('ATVPDKIKX0DER')).toBe('ATVPDKIKX0DER');
    expect(encodeRfc3986('en_US-1.2~x')).toBe('en_US-1.2~x');
    expect(encodeRfc3986('')).toBe('');
    expect(encodeRfc3986("a b/c+d#e!f'g(h)i*j,k")).toBe('a%20b%2Fc%2Bd%23e%21f%27g%28h%29i%2Aj%2Ck');
    expect(encodeRfc3986('Café ☕')).toBe('Caf%C3%A9%20%E2%98%95');
    expect(encodeRfc3986('line\nbreak')).toBe('line%0Abreak');
  });

  it('writes a SKU of "." or ".." as %2E so no URL parser drops it as a dot segment', () => {
    expect(encodePathSegment('.')).toBe('%2E');
    expect(encodePathSegment('..')).toBe('%2E%2E');
    expect(encodePathSegment('...')).toBe('...');
    expect(encodePathSegment('MUG/WHITE (S)*')).toBe('MUG%2FWHITE%20%28S%29%2A');
  });

  it('joins array parameters with commas (collectionFormat csv), encoded', () => {
    expect(buildQuery({ marketplaceIds: ['A1', 'A2'], includedData: ['summaries'], skip: undefined, n: 3 })).toBe('?marketplaceIds=A1%2CA2&includedData=summaries&n=3');
    expect(buildQuery({})).toBe('');
  });

  it('encodes a frozen query once, to the same text as the same query unfrozen', () => {
    const fields = { marketplaceIds: ['ATVPDKIKX0DER'], includedData: ['summaries', 'attributes'], issueLocale: 'en_US' };
    const frozen = Object.freeze({ ...fields });
    expect(buildQuery(frozen)).toBe(buildQuery(fields));
    expect(buildQuery(frozen)).toBe('?marketplaceIds=ATVPDKIKX0DER&includedData=summaries%2Cattributes&issueLocale=en_US');
  });
});
