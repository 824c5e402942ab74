import { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { securityCases } from '../helpers/security-cases.js';
import { expectError } from '../helpers/envelope.js';
import { setUpForAll } from '../helpers/harness.js';
import { loadConfig } from '../../src/config.js';
import { APPLY_LEASE_MS } from '../../src/confirmations/types.js';
import { ImageFetcher, publicOnlyLookup, type Resolve } from '../../src/writes/image-fetch.js';
import { expectStagedShape, isLiveWrite, NA, stagedData, startWriteEnv, US } from './helpers.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 9)]);

/** Requests per path (a failed apply is never fetched again), and how long after its request the broker cut a dripping answer. */
const hits = new Map<string, number>();
const startedAt = new Map<string, number>();
const cutAt = new Map<string, number>();

/** Writes `bytes` one chunk every `everyMs`, then ends (or, with `end: false`, keeps dripping until the client leaves). */
function drip(res: import('node:http').ServerResponse, chunks: Buffer[], everyMs: number, end = true) {
  res.writeHead(200, { 'content-type': 'image/png' });
  let i = 0;
  const timer = setInterval(() => {
    const chunk = chunks[i++] ?? (end ? undefined : Buffer.from([0]));
    if (chunk === undefined) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(chunk);
  }, everyMs);
  res.on('close', () => {
    clearInterval(timer);
    if (!res.writableFinished) cutAt.set(res.req.url ?? '', performance.now() - (startedAt.get(res.req.url ?? '') ?? 0));
  });
}

/** A local image host (the tests never reach the internet); trusted by this test app only. */
function startImageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    startedAt.set(path, performance.now());
    // A PNG header, then one byte every 300 ms for as long as the client listens.
    if (path === '/drip.png') return drip(res, [PNG.subarray(0, 8)], 300, false);
    // Half an answer, then the connection drops.
    if (path === '/reset.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG.length) }).write(PNG.subarray(0, 8));
      return setTimeout(() => res.socket?.destroy(), 50);
    }
    // A whole PNG in 5 pieces, 200 ms apart: about 1 s per image.
    if (path.startsWith('/slow-')) return drip(res, [0, 1, 2, 3, 4].map((k) => PNG.subarray(k * 60, k === 4 ? undefined : (k + 1) * 60)), 200);
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
let closedOrigin = '';
const PER_IMAGE_MS = 2_000;
const PER_APPLY_MS = 3_000;

/** A port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** DNS answers for names under images-test.com (a public-looking name, so the URL rules pass it). */
const fakeDns: Resolve = (hostname, options, callback) => {
  const answer = (address: string) => callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  if (hostname === 'missing.images-test.com') return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname }), []);
  if (hostname === 'private.images-test.com') return answer('10.0.0.7');
  if (hostname === 'metadata.images-test.com') return answer('::ffff:a9fe:a9fe');
  if (hostname === 'ula.images-test.com') return answer('fd00::1');
  if (hostname === 'stalled-dns.images-test.com') return; // the resolver never answers
  return dnsLookup(hostname, { ...options, all: true }, callback);
};

/** Text that must never reach an agent or buyer: resolver and socket words, codes and the addresses resolved. */
const INTERNALS = /getaddrinfo|ENOTFOUND|EAI_|ECONN|EHOST|ENET|ETIMEDOUT|EPRIVATEADDRESS|UND_ERR|10\.0\.0\.7|169\.254|a9fe|fd00|127\.0\.0\.1|resolves to a non-public address \(/;
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
  const ASIN = NA.asinBySku['SS-MUG-001']!;

  const env = setUpForAll(
    async () => {
      const images = await startImageServer();
      origin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
      closedOrigin = `http://127.0.0.1:${await closedPort()}`;
      const started = await startWriteEnv({
        imageSources: { trustedTestOrigins: [origin, closedOrigin], resolve: fakeDns },
        config: { imageFetchTimeoutMs: PER_IMAGE_MS, imageFetchTotalMs: PER_APPLY_MS },
        captureLogs: true,
      }).catch(async (error: unknown) => {
        await new Promise((resolve) => images.close(resolve));
        throw error;
      });
      return { ...started, images };
    },
    async ({ images, close }) => {
      await close();
      await new Promise((resolve) => images.close(resolve));
    },
  );

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
    expect(expectError(response, 400, 'INVALID_REQUEST').message).toMatch(/params\.content_document\.content_module_list Amazon's validation refused the A\+ document: Amazon: /);
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
      expect(expectError(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, image) }), 400, 'INVALID_REQUEST').message).toMatch(message);
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
      expect(expectError(await env.apply(data.confirmation_id), 400, 'INVALID_REQUEST').message).toMatch(message);
      expect(env.requestsSince(mark)).toEqual([]);
    }
    // A redirect within the rules is followed.
    const { jobToken } = await env.mint();
    const moved = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, imageAt('/moved.png')) }));
    expect((await env.apply(moved.confirmation_id)).json().data.status).toBe('APPLIED');
  });

  it('without the test-only override, the same local image host is refused; names resolving to private addresses are refused at connect', async () => {
    const fetcher = new ImageFetcher({ perImageMs: 2000, perApplyMs: 2000 });
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
      expect(expectError(await env.call(jobToken, 'listings.a_plus_generate', { content_document, asins: [ASIN] }), 400, 'INVALID_REQUEST').message).toMatch(message);
    }
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('auto-applies when the token says so', async () => {
    const { jobToken } = await env.mint({ autoApply: ['listings.a_plus_generate'] });
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: textOnly(), asins: [ASIN] }));
    expect(data.status).toBe('APPLIED');
    expect(data.result).toEqual({ content_reference_key: expect.any(String), warnings: [] });
  });

  const IMAGE_FIELD = (module: number) => `params.content_document.content_module_list.${module}.standardHeaderImageText.block.image.image_url`;
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const value = await work();
    return { value, started, tookMs: performance.now() - started };
  };

  it('a host dripping a byte every 300 ms is cut at the per-image deadline: the apply fails once, cleanly, with nothing sent to Amazon', async () => {
    const { jobToken, orderId } = await env.mint();
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, imageAt('/drip.png')), asins: [ASIN] }));
    const mark = env.mark();
    const { value: first, tookMs } = await timed(() => env.apply(data.confirmation_id));
    expect(expectError(first, 400, 'INVALID_REQUEST').message).toBe(
      `${IMAGE_FIELD(0)} could not be downloaded within 2 s, the limit for one image; use a smaller image or a faster image host [rule IMAGE_FETCH_TIMEOUT]`,
    );
    expect(first.json().error.details).toEqual({ field: IMAGE_FIELD(0), rule: 'IMAGE_FETCH_TIMEOUT' });
    expect(tookMs).toBeGreaterThanOrEqual(PER_IMAGE_MS - 20);
    expect(tookMs).toBeLessThan(PER_IMAGE_MS + 1_500);
    // The download itself stopped: the image host saw the connection closed at the deadline.
    await expect.poll(() => cutAt.get('/drip.png')).toBeGreaterThanOrEqual(PER_IMAGE_MS - 20);
    expect(cutAt.get('/drip.png')).toBeLessThan(PER_IMAGE_MS + 1_000);
    expect(env.requestsSince(mark)).toEqual([]);
    // Not half-applied: failed with the error stored, answered again without fetching or sending anything.
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_REQUEST', message: first.json().error.message } });
    expect((await env.apply(data.confirmation_id)).json()).toEqual(first.json());
    expect(hits.get('/drip.png')).toBe(1);
    expect(env.requestsSince(mark)).toEqual([]);
  });

  it('three images of about 1.2 s each: the per-apply deadline cuts the third; the first two were only uploaded, nothing created', async () => {
    const { jobToken, orderId } = await env.mint();
    const three = { ...document(), content_module_list: [1, 2, 3].map((n) => document(`Panel ${n} in stoneware.`, imageAt(`/slow-${n}.png`)).content_module_list[0]!) };
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: three, asins: [ASIN] }));
    const mark = env.mark();
    const answer = await env.apply(data.confirmation_id);
    expect(expectError(answer, 400, 'INVALID_REQUEST').message).toBe(
      `${IMAGE_FIELD(2)} could not be downloaded in time: the images of one A+ document get 3 s to download together, and that time ran out; use fewer or smaller images, or a faster image host [rule IMAGE_FETCH_BUDGET]`,
    );
    // The first two arrived whole (about 1.2 s each); the third was cut with the ~0.6 s left of the 3 s,
    // before its last piece at 1 s. (The apply as a whole takes longer: the Amazon calls wait for quota.)
    expect([cutAt.has('/slow-1.png'), cutAt.has('/slow-2.png')]).toEqual([false, false]);
    await expect.poll(() => cutAt.get('/slow-3.png')).toBeLessThan(1_000);
    const sent = env.requestsSince(mark);
    expect(sent.map((r) => r.operation)).toEqual(['createUploadDestinationForResource', 'uploadDestinationPost', 'createUploadDestinationForResource', 'uploadDestinationPost']);
    expect(sent.some(isLiveWrite)).toBe(false);
    expect((await env.list(orderId))[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_REQUEST', message: answer.json().error.message } });
  });

  it('a DNS lookup that never answers is cut at the per-image deadline as well', async () => {
    const { jobToken } = await env.mint();
    const image = { ...imageAt('/x.png'), image_url: 'https://stalled-dns.images-test.com/mug.png' };
    const data = stagedData(await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, image) }));
    const { value: answer, tookMs } = await timed(() => env.apply(data.confirmation_id));
    expect(expectError(answer, 400, 'INVALID_REQUEST').message).toMatch(/could not be downloaded within 2 s, the limit for one image.*IMAGE_FETCH_TIMEOUT/);
    expect(tookMs).toBeLessThan(PER_IMAGE_MS + 1_500);
  });

  it('download failures tell the agent and the buyer what to act on; resolver errors, codes and resolved addresses stay in the server log', async () => {
    const privateHost = 'must be on a public host: the image host name resolves to a private, loopback, link-local or reserved address [rule IMAGE_URL_PRIVATE_HOST]';
    const cases: [string, string, RegExp][] = [
      ['https://missing.images-test.com/mug.png', 'could not be fetched: the image host was not found (check the host name) [rule IMAGE_FETCH]', /ENOTFOUND/],
      ['https://private.images-test.com/mug.png', privateHost, /10\.0\.0\.7/],
      ['https://metadata.images-test.com/mug.png', privateHost, /::ffff:a9fe:a9fe/],
      ['https://ula.images-test.com/mug.png', privateHost, /fd00::1/],
      [`${closedOrigin}/mug.png`, 'could not be fetched: the image host could not be reached [rule IMAGE_FETCH]', /ECONNREFUSED/],
      // A dropped connection mid-image was an INTERNAL_ERROR ("may or may not have reached Amazon") before.
      [`${origin}/reset.png`, 'could not be fetched: the image host did not send a complete answer [rule IMAGE_FETCH]', /UND_ERR_SOCKET|ECONNRESET/],
    ];
    for (const [url, message, logged] of cases) {
      const image = { ...imageAt('/x.png'), image_url: url };
      // The agent's own answer, when the token auto-applies.
      const { jobToken, orderId } = await env.mint({ autoApply: ['listings.a_plus_generate'] });
      const mark = env.mark();
      const auto = await env.call(jobToken, 'listings.a_plus_generate', { content_document: document(undefined, image) });
      expect(expectError(auto, 400, 'INVALID_REQUEST').message, url).toBe(`${IMAGE_FIELD(0)} ${message}`);
      expect(auto.body, url).not.toMatch(INTERNALS);
      // The confirmation's stored failure, which the buyer reads.
      const [stored] = await env.list(orderId);
      expect(stored, url).toMatchObject({ status: 'failed', error: { code: 'INVALID_REQUEST', message: `${IMAGE_FIELD(0)} ${message}` } });
      expect(JSON.stringify(stored?.error), url).not.toMatch(INTERNALS);
      // The buyer's apply of a staged one answers the same.
      const staged = stagedData(await env.call((await env.mint()).jobToken, 'listings.a_plus_generate', { content_document: document(undefined, image) }));
      const applied = await env.apply(staged.confirmation_id);
      expect(expectError(applied, 400, 'INVALID_REQUEST').message, url).toBe(`${IMAGE_FIELD(0)} ${message}`);
      expect(applied.body, url).not.toMatch(INTERNALS);
      expect(env.requestsSince(mark), url).toEqual([]);
      // The operator still sees why.
      expect(env.testApp.logs.some((line) => line.includes('A+ image download failed') && logged.test(line)), url).toBe(true);
    }
  });

  it('the image deadlines default inside the apply lease, and cannot be configured past it', () => {
    const defaults = loadConfig({});
    expect([defaults.imageFetchTimeoutMs, defaults.imageFetchTotalMs]).toEqual([20_000, 60_000]);
    const most = loadConfig({ IMAGE_FETCH_TIMEOUT_MS: '60000', IMAGE_FETCH_TOTAL_MS: '120000' });
    expect(most.imageFetchTimeoutMs! + most.imageFetchTotalMs!).toBeLessThan(APPLY_LEASE_MS);
    expect(() => loadConfig({ IMAGE_FETCH_TOTAL_MS: String(APPLY_LEASE_MS) })).toThrow(/imageFetchTotalMs/);
    expect(() => loadConfig({ IMAGE_FETCH_TIMEOUT_MS: '60001' })).toThrow(/imageFetchTimeoutMs/);
    expect(() => loadConfig({ IMAGE_FETCH_TIMEOUT_MS: 'soon' })).toThrow(/imageFetchTimeoutMs/);
  });

  securityCases('listings.a_plus_generate', { content_document: textOnly() }, env);
});
