import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import type { TestApp } from '../helpers/app.js';
import { ImageFetcher, publicOnlyLookup } from '../../src/writes/image-fetch.js';
import { expectError, expectStagedShape, isLiveWrite, NA, stagedData, startWriteEnv, US, type WriteEnv } from './helpers.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 9)]);

/** A local image host (the tests never reach the internet); trusted by this test app only. */
function startImageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    if (path === '/mug.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (path === '/big.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]));
    if (path === '/text.png') return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
    if (path === '/moved.png') return res.writeHead(302, { location: '/mug.png' }).end();
    if (path === '/to-private.png') return res.writeHead(302, { location: 'https://10.0.0.7/mug.png' }).end();
    return res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let origin = '';
const crop = { size: { width: { value: 970, units: 'pixels' }, height: { value: 600, units: 'pixels' } } };
const imageAt = (path: string) => ({ image_url: `${origin}${path}`, imageCropSpecification: crop, altText: 'Mug on a table' });
const document = (text = 'Hand-glazed stoneware that keeps coffee warm.', image: Record<string, unknown> = imageAt('/mug.png')) => ({
  name: 'Mug story',
  content_type: 'EBC',
  locale: 'en-US',
  content_module_list: [
    { contentModuleType: 'STANDARD_HEADER_IMAGE_TEXT', standardHeaderImageText: { headline: { value: 'Made by hand' }, block: { image, body: { textList: [{ value: text }] } } } },
    { contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'Care' }, body: { textList: [{ value: 'Dishwasher and microwave safe.' }] } } },
  ],
});
const textOnly = () => ({ ...document(), content_module_list: document().content_module_list.slice(1) });

describe('listings.a_plus_generate', () => {
  let env: WriteEnv;
  const ctx: { testApp?: TestApp } = {};
  const ASIN = NA.asinBySku['SS-MUG-001']!;

  let images: Server;

  beforeAll(async () => {
    images = await startImageServer();
    origin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    env = await startWriteEnv({ imageSources: { trustedTestOrigins: [origin] } });
    ctx.testApp = env.testApp;
  });
  afterAll(async () => {
    await env?.close();
    await new Promise((resolve) => images?.close(resolve));
  });

  it("stages, then at apply uploads the image through Amazon's Uploads API and sends the issued id, once", async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(), asins: [ASIN] }));
    expectStagedShape(data);
    expect(data.confirm.diff_preview).toEqual([
      { path: '/aplus/content_document', before: null, after: { name: 'Mug story', content_type: 'EBC', locale: 'en-US', modules: ['STANDARD_HEADER_IMAGE_TEXT', 'STANDARD_TEXT'] } },
      { path: '/aplus/content_document/asins', before: [], after: [ASIN] },
    ]);
    expect(data.confirm.summary).toContain(ASIN);
    // Amazon cannot validate a document before its images are uploaded, which happens at apply only.
    expect(data.validation.issues.map((i) => [i.code, i.severity])).toEqual([['APLUS_VALIDATED_AT_APPLY', 'INFO']]);
    expect(env.requestsSince(mark)).toEqual([]);

    const mark2 = env.mark();
    const applied = await env.apply(data.confirmation_id);
    expect(applied.statusCode, applied.body).toBe(200);
    const result = applied.json().data.result as { content_reference_key: string; warnings: unknown[] };
    expect(result).toEqual({ content_reference_key: expect.any(String), warnings: [] });
    const calls = env.requestsSince(mark2);
    expect(calls.map((r) => r.operation)).toEqual([
      'createUploadDestinationForResource',
      'uploadDestinationPost',
      'validateContentDocumentAsinRelations',
      'createContentDocument',
      'postContentDocumentAsinRelations',
      'postContentDocumentApprovalSubmission',
    ]);
    expect(calls[0]?.path).toBe('/uploads/2020-11-01/uploadDestinations/aplus/2020-11-01/contentDocuments');
    expect(calls[0]?.query).toMatchObject({ marketplaceIds: US, contentType: 'image/png', contentMD5: expect.stringMatching(/==$/) });
    expect(calls[1]?.headers['content-type']).toMatch(/^multipart\/form-data/);
    const sentDocument = (calls[3]?.body as { contentDocument: { contentModuleList: { standardHeaderImageText: { block: { image: Record<string, unknown> } } }[] } }).contentDocument;
    const sentImage = sentDocument.contentModuleList[0]!.standardHeaderImageText.block.image;
    expect(sentImage).toEqual({ uploadDestinationId: expect.stringMatching(/^aplus-media\/sc\//), imageCropSpecification: crop, altText: 'Mug on a table' });
    expect(calls[2]?.query).toEqual({ marketplaceId: US, asinSet: ASIN });
    expect(calls[4]?.path).toContain(result.content_reference_key);
    expect(calls[4]?.body).toEqual({ asinSet: [ASIN] });
    expect((await env.apply(data.confirmation_id)).json()).toEqual(applied.json());
    expect(env.requestsSince(mark2)).toHaveLength(6);
  });

  it('a text-only document without ASINs: validated at staging, then created and submitted only', async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: textOnly() }));
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['validateContentDocumentAsinRelations']);
    expect(data.validation.issues).toEqual([]);
    const mark2 = env.mark();
    expect((await env.apply(data.confirmation_id)).statusCode).toBe(200);
    expect(env.requestsSince(mark2).map((r) => r.operation)).toEqual(['createContentDocument', 'postContentDocumentApprovalSubmission']);
  });

  it("refuses to stage what Amazon's validation refuses, with Amazon's errors in details", async () => {
    const { jobToken, orderId } = await env.mint();
    const response = await env.call(jobToken, 'listings.a_plus_generate', { content_document: textOnly(), asins: [NA.unknownAsin] });
    expect(expectError(response, 400, 'INVALID_REQUEST')).toMatch(/params\.content_document\.content_module_list Amazon's validation refused the A\+ document: Amazon: /);
    expect(response.json().error.details).toMatchObject({ field: 'params.content_document.content_module_list', issues: [expect.objectContaining({ message: expect.any(String) })] });
    expect(await env.list(orderId)).toEqual([]);
  });

  it('answers REJECTED_BY_AMAZON when Amazon refuses the document once its images are uploaded; nothing created, never re-sent', async () => {
    const { jobToken, orderId } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(), asins: [NA.unknownAsin] }));
    const mark = env.mark();
    const first = await env.apply(data.confirmation_id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data).toMatchObject({ status: 'REJECTED_BY_AMAZON', result: { errors: [expect.anything()], warnings: [] } });
    expect(env.requestsSince(mark).map((r) => r.operation)).toEqual(['createUploadDestinationForResource', 'uploadDestinationPost', 'validateContentDocumentAsinRelations']);
    expect(env.requestsSince(mark).some(isLiveWrite)).toBe(false);
    expect((await env.apply(data.confirmation_id)).json()).toEqual(first.json());
    expect(env.requestsSince(mark)).toHaveLength(3);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'amazon_rejected' });
  });

  it("refuses an uploadDestinationId the broker did not obtain, and image URLs that break the rules, before anything is sent", async () => {
    const { jobToken } = await env.mint();
    const mark = env.mark();
    const foreign = { uploadDestinationId: 'aplus-media/sc/mug.jpg', imageCropSpecification: crop, altText: 'Mug' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [foreign, /block\.image\.uploadDestinationId is refused: the broker obtains upload destinations itself.*APLUS_UPLOAD_DESTINATION_NOT_OURS/],
      [{ ...imageAt('/x.png'), image_url: 'http://images.example.com/mug.png' }, /block\.image\.image_url must use https.*IMAGE_URL_NOT_HTTPS/],
      [{ ...imageAt('/x.png'), image_url: 'https://10.1.2.3/mug.png' }, /IMAGE_URL_PRIVATE_HOST/],
    ];
    for (const [image, message] of cases) {
      expect(expectError(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, image) }), 400, 'INVALID_REQUEST')).toMatch(message);
    }
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('at apply, an image that is too large, not an image, or redirects to a private address fails with the rule, before any upload', async () => {
    const cases: [string, RegExp][] = [
      ['/big.png', /larger than 3145728 bytes.*IMAGE_TOO_LARGE/],
      ['/text.png', /not a JPEG, PNG or TIFF.*IMAGE_FORMAT/],
      ['/to-private.png', /redirects to https:\/\/10\.0\.0\.7\/mug\.png, which must be on a public host.*IMAGE_URL_PRIVATE_HOST/],
    ];
    for (const [path, message] of cases) {
      const { jobToken } = await env.mint();
      const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, imageAt(path)) }));
      const mark = env.mark();
      expect(expectError(await env.apply(data.confirmation_id), 400, 'INVALID_REQUEST')).toMatch(message);
      expect(env.requestsSince(mark)).toEqual([]);
    }
    // A redirect within the rules is followed.
    const { jobToken } = await env.mint();
    const moved = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, imageAt('/moved.png')) }));
    expect((await env.apply(moved.confirmation_id)).json().data.status).toBe('APPLIED');
  });

  it('without the test-only override, the same local image host is refused; names resolving to private addresses are refused at connect', async () => {
    const fetcher = new ImageFetcher(2000);
    try {
      expect(fetcher.check(`${origin}/mug.png`, 'f').map((v) => v.code)).toEqual(['IMAGE_URL_NOT_HTTPS']);
      await expect(fetcher.fetch(`${origin}/mug.png`, 'f')).rejects.toThrow(/IMAGE_URL_NOT_HTTPS/);
    } finally {
      await fetcher.close();
    }
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));
    expect(error?.code).toBe('EPRIVATEADDRESS');
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
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: textOnly(), asins: [ASIN] }));
    expect(data.status).toBe('APPLIED');
    expect(data.result).toEqual({ content_reference_key: expect.any(String), warnings: [] });
  });

  securityCases('listings.a_plus_generate', { content_document: textOnly() }, ctx);
});
