import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import type { TestApp } from '../helpers/app.js';
import { expectError, expectStagedShape, isLiveWrite, NA, stagedData, startWriteEnv, US, type WriteEnv } from './helpers.js';

const image = { uploadDestinationId: 'aplus-media/sc/mug.jpg', imageCropSpecification: { size: { width: { value: 970, units: 'pixels' }, height: { value: 600, units: 'pixels' } } }, altText: 'Mug on a table' };
const document = (text = 'Hand-glazed stoneware that keeps coffee warm.') => ({
  name: 'Mug story',
  content_type: 'EBC',
  locale: 'en-US',
  content_module_list: [
    { contentModuleType: 'STANDARD_HEADER_IMAGE_TEXT', standardHeaderImageText: { headline: { value: 'Made by hand' }, block: { image, body: { textList: [{ value: text }] } } } },
    { contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'Care' }, body: { textList: [{ value: 'Dishwasher and microwave safe.' }] } } },
  ],
});

describe('listings.a_plus_generate', () => {
  let env: WriteEnv;
  const ctx: { testApp?: TestApp } = {};
  const ASIN = NA.asinBySku['SS-MUG-001']!;

  beforeAll(async () => {
    env = await startWriteEnv();
    ctx.testApp = env.testApp;
  });
  afterAll(async () => env?.close());

  it("stages after Amazon's validation (which persists nothing), then applies Amazon's sequence once", async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(), asins: [ASIN] }));
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([
      { path: '/aplus/content_document', before: null, after: { name: 'Mug story', content_type: 'EBC', locale: 'en-US', modules: ['STANDARD_HEADER_IMAGE_TEXT', 'STANDARD_TEXT'] } },
      { path: '/aplus/content_document/asins', before: [], after: [ASIN] },
    ]);
    expect(data.confirm.summary).toContain(ASIN);
    expect(data.validation.issues).toEqual([]);
    const staged = env.requestsSince(mark);
    expect(staged.map((r) => r.operation)).toEqual(['validateContentDocumentAsinRelations']);
    expect(staged.some(isLiveWrite)).toBe(false);

    const mark2 = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    const result = applied.json().data.result as { content_reference_key: string; warnings: unknown[] };
    expect(result).toEqual({ content_reference_key: expect.any(String), warnings: [] });
    const calls = env.requestsSince(mark2);
    expect(calls.map((r) => r.operation)).toEqual([
      'validateContentDocumentAsinRelations',
      'createContentDocument',
      'postContentDocumentAsinRelations',
      'postContentDocumentApprovalSubmission',
    ]);
    expect(calls[0]?.query).toEqual({ marketplaceId: US, asinSet: ASIN });
    const sentDocument = (calls[1]?.body as { contentDocument: Record<string, unknown> }).contentDocument;
    expect(sentDocument).toMatchObject({ name: 'Mug story', contentType: 'EBC', locale: 'en-US' });
    expect(calls[2]?.path).toContain(result.content_reference_key);
    expect(calls[2]?.body).toEqual({ asinSet: [ASIN] });
    expect((await env.apply(data.confirmation_id)).json()).toEqual(applied.json());
    expect(env.requestsSince(mark2)).toHaveLength(4);
  });

  it('without ASINs: create and submit only', async () => {
    const { jobToken } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document() }));
    const mark = env.mark();
    expect((await env.apply(data.confirmation_id)).statusCode).toBe(200);
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['createContentDocument', 'postContentDocumentApprovalSubmission']);
  });

  it("stages Amazon's validation errors as issues; applying then fails with SP_API_ERROR once, and never re-sends", async () => {
    const { jobToken, orderId } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(), asins: [NA.unknownAsin] }));
    expect(data.validation.issues.some((i) => i.severity === 'ERROR' && i.code.startsWith('AMAZON_'))).toBe(true);
    const mark = env.mark();
    const first = await env.apply(data.confirmation_id);
    expectError(first, 502, 'SP_API_ERROR');
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['validateContentDocumentAsinRelations']);
    const second = await env.apply(data.confirmation_id);
    expect(second.json()).toEqual(first.json());
    expect(env.requestsSince(mark)).toHaveLength(1);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'failed', error: { code: 'SP_API_ERROR' } });
  });

  it('refuses structure and content policy violations before anything is sent', async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const cases: [unknown, RegExp][] = [
      [document('Only $19.99 today'), /content_module_list\.0\.standardHeaderImageText\.block\.body\.textList\.0\.value .*APLUS_PRICE/],
      [document('Save 20% off this week'), /APLUS_PROMOTION/],
      [document('Questions? Mail care@mugs.com'), /APLUS_CONTACT_DETAILS/],
      [document('Our new glaze'), /APLUS_TIME_SENSITIVE/],
      [document('Lifetime warranty included'), /APLUS_GUARANTEE/],
      [{ ...document(), content_module_list: [{ contentModuleType: 'STANDARD_TEXT', standardProductDescription: { body: { textList: [{ value: 'x' }] } } }] }, /APLUS_MODULE_MISMATCH/],
      [{ ...document(), content_module_list: [{ contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'x' } } }] }, /standardText\.body is required/],
      [{ ...document(), locale: 'en_US' }, /params\.content_document\.locale/],
    ];
    for (const [content_document, message] of cases) {
      expect(expectError(await env.call(jobToken, 'listings.a_plus_generate', { content_document, asins: [ASIN] }), 400, 'INVALID_REQUEST')).toMatch(message);
    }
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('auto-applies when the token says so', async () => {
    const { jobToken } = await env.mint({ autoApply: ['listings.a_plus_generate'] });
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(), asins: [ASIN] }));
    expect(data.status).toBe('APPLIED');
    expect(data.result).toEqual({ content_reference_key: expect.any(String), warnings: [] });
  });

  securityCases('listings.a_plus_generate', { content_document: document() }, ctx);
});
