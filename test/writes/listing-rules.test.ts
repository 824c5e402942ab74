import { describe, expect, it } from 'vitest';
import { checkListingText, checkPatches, checkTitle, MAX_LISTING_WRITE_CHARS, MAX_VALUE_STRING, scopePatches } from '../../src/writes/listing-rules.js';
import { asIssues, refuseErrors } from '../../src/writes/violations.js';
import { BrokerError } from '../../src/errors.js';

const errorCodes = (v: { code: string; severity: string }[]) => v.filter((x) => x.severity === 'ERROR').map((x) => x.code);
const title = (text: string) => errorCodes(checkTitle(text, 'f'));

describe('listing patch rules', () => {
  it('accepts top-level attribute paths with add, replace and delete', () => {
    expect(
      checkPatches(
        [
          { op: 'replace', path: '/attributes/item_name', value: [{ value: 'Ceramic Coffee Mug, 12 oz, White' }] },
          { op: 'add', path: '/attributes/bullet_point', value: [{ value: 'Dishwasher safe' }] },
          { op: 'delete', path: '/attributes/generic_keyword' },
        ],
        'params.patches',
      ),
    ).toEqual([]);
  });

  it('refuses nested paths, bad paths and ops, and add/replace without a value', () => {
    const found = checkPatches(
      [
        { op: 'replace', path: '/attributes/item_name/0/value', value: [{ value: 'x' }] },
        { op: 'replace', path: '/attributes/Item-Name', value: [{ value: 'x' }] },
        { op: 'merge', path: '/attributes/item_name', value: [{ value: 'Mug' }] },
        { op: 'add', path: '/attributes/bullet_point' },
        { op: 'replace', path: '/attributes/bullet_point', value: [] },
      ],
      'params.patches',
    );
    expect(found.map((v) => [v.code, v.field])).toEqual([
      ['PATCH_NESTED_PATH', 'params.patches.0.path'],
      ['PATCH_PATH', 'params.patches.1.path'],
      ['PATCH_OP', 'params.patches.2.op'],
      ['PATCH_VALUE_REQUIRED', 'params.patches.3.value'],
      ['PATCH_VALUE_REQUIRED', 'params.patches.4.value'],
    ]);
  });

  it('checks image locators in patches with the image URL rules', () => {
    const found = checkPatches([{ op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: 'https://169.254.169.254/a.jpg' }] }], 'params.patches');
    expect(found.map((v) => [v.code, v.field])).toEqual([['IMAGE_URL_PRIVATE_HOST', 'params.patches.0.value.0.media_location']]);
  });

  it('refusals name the rule and the field', () => {
    const error = (() => {
      try {
        refuseErrors(checkPatches([{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Mug! Free Shipping' }] }], 'params.patches'));
      } catch (e) {
        return e as BrokerError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('INVALID_REQUEST');
    expect(error?.message).toMatch(/^params\.patches\.0\.value\.0\.value .*TITLE_FORBIDDEN_CHARACTER/);
    expect(error?.details?.violations).toHaveLength(2);
  });
});

describe('title rules', () => {
  it('accepts a plain product title of up to 200 characters', () => {
    expect(title('Stoneware Coffee Mug 12 oz, Dishwasher and Microwave Safe, White')).toEqual([]);
    expect(title('a'.repeat(200))).toEqual([]);
  });

  it('refuses titles over 200 characters', () => {
    expect(title('a'.repeat(201))).toEqual(['TITLE_TOO_LONG']);
  });

  it('refuses each forbidden character', () => {
    for (const c of ['!', '$', '?', '_', '{', '}', '^', '¬', '¦']) expect(title(`Coffee Mug ${c} White`), c).toContain('TITLE_FORBIDDEN_CHARACTER');
  });

  it('refuses promotional phrases, as words', () => {
    for (const phrase of ['Free Shipping', 'free-shipping', 'Best Seller', 'bestseller', '100% Quality Guaranteed', 'SALE', 'on sale', '20% off', 'hot item']) {
      expect(title(`Coffee Mug ${phrase}`), phrase).toContain('TITLE_PROMOTIONAL');
    }
    expect(title('Wholesale Coffee Mug Set')).toEqual([]);
  });

  it('warns about capitals only and repeated words', () => {
    expect(checkTitle('STONEWARE COFFEE MUG WHITE', 'f').map((v) => [v.code, v.severity])).toEqual([['TITLE_ALL_CAPS', 'WARNING']]);
    expect(checkTitle('Mug Mug Mug for coffee', 'f').map((v) => v.code)).toEqual(['TITLE_REPEATED_WORD']);
    expect(asIssues(checkTitle('Mug Mug Mug', 'params.x'))[0]?.message).toMatch(/^params\.x should not use/);
  });
});

describe('listing text rules', () => {
  it('refuses HTML, except line breaks in descriptions', () => {
    expect(errorCodes(checkListingText('bullet_point', 'Strong <b>handle</b>', 'f'))).toEqual(['TEXT_HTML']);
    expect(errorCodes(checkListingText('item_name', 'Mug <script>alert(1)</script>', 'f'))).toContain('TEXT_HTML');
    expect(errorCodes(checkListingText('product_description', 'Line one</br>Line two<br>Line three<br/>', 'f'))).toEqual([]);
    expect(errorCodes(checkListingText('product_description', 'Line one<p>two</p>', 'f'))).toEqual(['TEXT_HTML']);
    expect(errorCodes(checkListingText('bullet_point', 'Line one<br>two', 'f'))).toEqual(['TEXT_HTML']);
    expect(errorCodes(checkListingText('bullet_point', 'Holds < 10 oz and > 5 oz', 'f'))).toEqual([]);
  });

  it('refuses e-mail addresses, phone numbers and URLs', () => {
    for (const text of ['Write to help@mugs.com', 'Call 555-123-4567', 'Call (555) 123-4567', 'Call +44 20 7946 0958', 'See https://mugs.example/x', 'Visit www.mugs.com', 'Visit mugshop.com today']) {
      expect(errorCodes(checkListingText('bullet_point', text, 'f')), text).toEqual(['TEXT_CONTACT_DETAILS']);
    }
    for (const text of ['Measures 30 x 20 x 10 cm', 'Holds 350 ml, 12 oz', 'Model 2024-05', 'Pack of 2 mugs, 4.5 inches']) {
      expect(errorCodes(checkListingText('bullet_point', text, 'f')), text).toEqual([]);
    }
  });

  it('refuses shipping and price offers in bullets; warns about symbols', () => {
    expect(errorCodes(checkListingText('bullet_point', 'Free shipping on every order', 'f'))).toEqual(['TEXT_PROMOTIONAL']);
    expect(checkListingText('bullet_point', 'Brand™ quality ☕', 'f').map((v) => [v.code, v.severity])).toEqual([['BULLET_SPECIAL_CHARACTER', 'WARNING']]);
  });
});

describe('lengths, before any content rule', () => {
  const codes = (attribute: string, text: string) => checkListingText(attribute, text, 'f').map((v) => v.code);

  it("holds each text attribute to Amazon's limit, and reads no further", () => {
    expect(codes('bullet_point', 'x'.repeat(600))).toEqual([]);
    expect(codes('bullet_point', `Mail help@mugs.com ${'x'.repeat(600)}`)).toEqual(['TEXT_TOO_LONG']);
    expect(codes('generic_keyword', 'x'.repeat(500))).toEqual([]);
    expect(codes('generic_keyword', 'x'.repeat(501))).toEqual(['TEXT_TOO_LONG']);
    expect(codes('item_name', `Mug! ${'x'.repeat(200)}`)).toEqual(['TITLE_TOO_LONG']);
    // The description's limit is in UTF-8 bytes: 5,001 two-byte characters are over it.
    expect(codes('product_description', 'x'.repeat(10_000))).toEqual([]);
    expect(codes('product_description', 'é'.repeat(5_001))).toEqual(['TEXT_TOO_LONG']);
    expect(checkListingText('product_description', 'é'.repeat(5_001), 'f')[0]?.message).toBe(
      "must be at most 10,000 UTF-8 bytes for product_description (got 10,002); Amazon's limit for the attribute",
    );
  });

  it("names a text attribute's own limit even past the broker's caps", () => {
    const found = checkPatches([{ op: 'replace', path: '/attributes/product_description', value: [{ value: 'a.'.repeat(1_000_000) }] }], 'params.patches');
    expect(found.map((v) => [v.code, v.field])).toEqual([['TEXT_TOO_LONG', 'params.patches.0.value.0.value']]);
  });

  it('caps every string and key in any attribute value, naming where', () => {
    const long = 'x'.repeat(MAX_VALUE_STRING + 1);
    const found = checkPatches(
      [
        { op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', note: { deep: [long] } }] },
        { op: 'replace', path: '/attributes/color', value: [{ ['k'.repeat(101)]: 'red' }] },
        { op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: `https://images.example.com/${long}.jpg` }] },
      ],
      'params.patches',
    );
    expect(found.map((v) => [v.code, v.field])).toEqual([
      ['VALUE_TOO_LONG', 'params.patches.0.value.0.note.deep.0'],
      ['VALUE_TOO_LONG', `params.patches.1.value.0.${'k'.repeat(100)}…`],
      ['VALUE_TOO_LONG', 'params.patches.2.value.0.media_location'],
    ]);
  });

  it('caps the text of one listing write, before any rule reads it', () => {
    const bullets = Array.from({ length: 100 }, () => ({ value: `Mail help@mugs.com ${'x'.repeat(500)}` }));
    const patches = Array.from({ length: 5 }, () => ({ op: 'replace', path: '/attributes/bullet_point', value: bullets }));
    expect(JSON.stringify(patches).length).toBeGreaterThan(MAX_LISTING_WRITE_CHARS);
    const found = checkPatches(patches, 'params.patches');
    expect(found.map((v) => [v.code, v.field])).toEqual([['LISTING_WRITE_TOO_LARGE', 'params.patches']]);
    expect(found[0]?.message).toMatch(/more than 200,000 characters of text .*split it/);
  });
});

describe('scopePatches', () => {
  it('fills marketplace_id, and language_tag for text attributes, where absent', () => {
    const scoped = scopePatches(
      [
        { op: 'replace', path: '/attributes/item_name', value: [{ value: 'Mug' }] },
        { op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3, marketplace_id: 'X' }] },
        { op: 'delete', path: '/attributes/bullet_point' },
      ],
      'ATVPDKIKX0DER',
      'en_US',
    );
    expect(scoped[0]?.value).toEqual([{ value: 'Mug', language_tag: 'en_US', marketplace_id: 'ATVPDKIKX0DER' }]);
    expect(scoped[1]?.value).toEqual([{ fulfillment_channel_code: 'DEFAULT', quantity: 3, marketplace_id: 'X' }]);
    expect(scoped[2]).toEqual({ op: 'delete', path: '/attributes/bullet_point' });
  });
});
