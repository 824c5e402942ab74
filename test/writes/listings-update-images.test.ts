import { describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import { expectError } from '../helpers/envelope.js';
import { expectStagedShape, isLiveWrite, NA, stagedData, useWriteEnv, US } from './helpers.js';

describe('listings.update_images', () => {
  const env = useWriteEnv();
  const SKU = 'SS-MUG-001';

  it("stages main and other images as locator attributes, reading the product type from Amazon's listing", async () => {
    const { jobToken } = await env.mint();
    const listing = await env.listing(SKU);
    const mark = env.mark();
    const data = stagedData(
      await env.call(jobToken, 'listings.update_images', {
        sku: SKU,
        main_image_url: 'https://images.example.com/mug/main.jpg',
        other_image_urls: ['https://images.example.com/mug/side.png', 'https://images.example.com/mug/top.tiff'],
      }),
    );
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([
      { path: '/attributes/main_product_image_locator', before: listing.attributes.main_product_image_locator ?? null, after: [{ media_location: 'https://images.example.com/mug/main.jpg', marketplace_id: US }] },
      { path: '/attributes/other_product_image_locator_1', before: listing.attributes.other_product_image_locator_1 ?? null, after: [{ media_location: 'https://images.example.com/mug/side.png', marketplace_id: US }] },
      { path: '/attributes/other_product_image_locator_2', before: listing.attributes.other_product_image_locator_2 ?? null, after: [{ media_location: 'https://images.example.com/mug/top.tiff', marketplace_id: US }] },
    ]);
    const sent = env.requestsSince(mark);
    expect(sent.some(isLiveWrite)).toBe(false);
    const preview = sent.find((r) => r.operation === 'patchListingsItem');
    expect(preview?.query.mode).toBe('VALIDATION_PREVIEW');
    expect((preview?.body as { productType: string }).productType).toBe(listing.summaries[0]?.productType);

    const mark2 = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().data.result).toMatchObject({ sku: SKU, status: 'ACCEPTED' });
    const writes = env.requestsSince(mark2).filter(isLiveWrite);
    expect(writes).toHaveLength(1);
    expect((writes[0]?.body as { productType: string; patches: unknown[] }).patches).toHaveLength(3);
    expect((await env.listing(SKU)).attributes.main_product_image_locator).toEqual([{ media_location: 'https://images.example.com/mug/main.jpg', marketplace_id: US }]);
  });

  it('refuses image URLs that are not https on a public host, before anything is sent', async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ main_image_url: 'https://169.254.169.254/latest/meta-data.jpg' }, /params\.main_image_url .*IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://[::ffff:127.0.0.1]/a.jpg' }, /IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://localhost/a.jpg' }, /IMAGE_URL_PRIVATE_HOST/],
      // Spellings that only a connect-time check used to stop (Amazon would fetch these itself, unchecked).
      [{ main_image_url: 'https://localhost../a.png' }, /params\.main_image_url must be on a public host; "localhost" is a local name \[rule IMAGE_URL_PRIVATE_HOST\]/],
      [{ main_image_url: 'https://[::ffff:0:7f00:1]/a.png' }, /params\.main_image_url must be on a public host: the image URL points to a private, loopback, link-local or reserved address \[rule IMAGE_URL_PRIVATE_HOST\]$/],
      [{ main_image_url: 'https://foo.localhost/a.png' }, /IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://0x7f.1../a.png' }, /IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://2130706433/a.png' }, /IMAGE_URL_PRIVATE_HOST/],
      [{ other_image_urls: ['https://[64:ff9b::a9fe:a9fe]/a.png'] }, /params\.other_image_urls\.0 .*IMAGE_URL_PRIVATE_HOST/],
      [{ other_image_urls: ['https://[fd00::1]/a.png'] }, /IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://user:pw@cdn.example.com/a.jpg' }, /IMAGE_URL_CREDENTIALS/],
      [{ main_image_url: 'https://cdn.example.com:8080/a.jpg' }, /IMAGE_URL_PORT/],
      [{ other_image_urls: ['https://cdn.example.com/a.jpg', 'https://10.0.0.8/b.jpg'] }, /params\.other_image_urls\.1 .*IMAGE_URL_PRIVATE_HOST/],
      [{ main_image_url: 'https://cdn.example.com/a.webp' }, /IMAGE_FORMAT/],
      [{ main_image_url: 'http://cdn.example.com/a.jpg' }, /params\.main_image_url/],
      [{ other_image_urls: Array.from({ length: 9 }, (_, i) => `https://cdn.example.com/${i}.jpg`) }, /params\.other_image_urls/],
      [{}, /params\.main_image_url or params\.other_image_urls is required/],
    ];
    for (const [params, message] of cases) {
      expect(expectError(await env.call(jobToken, 'listings.update_images', { sku: SKU, ...params }), 400, 'INVALID_REQUEST').message, JSON.stringify(params)).toMatch(message);
    }
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('uses a given product_type and warns when it differs from the listing', async () => {
    const { jobToken } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.update_images', { sku: SKU, main_image_url: 'https://cdn.example.com/x.jpg', product_type: 'PRODUCT' }));
    expect(data.validation.issues.map((i) => i.code)).toContain('PRODUCT_TYPE_MISMATCH');
  });

  it('answers INVALID_REQUEST for an unknown SKU', async () => {
    const { jobToken } = await env.mint();
    expectError(await env.call(jobToken, 'listings.update_images', { sku: NA.unknownSku, main_image_url: 'https://cdn.example.com/x.jpg' }), 502, 'SP_API_ERROR');
  });

  it('auto-applies when the token says so', async () => {
    const { jobToken } = await env.mint({ autoApply: ['listings.update_images'] });
    const data = stagedData(await env.call(jobToken, 'listings.update_images', { sku: SKU, other_image_urls: ['https://cdn.example.com/auto.gif'] }));
    expect(data.status).toBe('APPLIED');
    expect(data.result).toMatchObject({ sku: SKU, status: 'ACCEPTED' });
  });

  securityCases('listings.update_images', { sku: SKU, main_image_url: 'https://cdn.example.com/x.jpg' }, env);
});
