import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSimulatorClient } from '../helpers/harness.js';
import { contentDocumentWith, SEED, sleep, uploadAplusImage, useFastSimulator } from './helpers.js';

const NA = SEED.sellers.NA;
const US = 'ATVPDKIKX0DER';


const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

describe('A+ Content API', () => {
  const sim = useFastSimulator({ rateLimits: false, reportTimings: { inQueueMs: 10, inProgressMs: 10 } });
  const c = useSimulatorClient(sim);
  let CONTENT_DOCUMENT: ReturnType<typeof contentDocumentWith>;
  beforeAll(async () => {
    CONTENT_DOCUMENT = contentDocumentWith(await uploadAplusImage(c, PNG));
  });

  it('accepts only image ids the Uploads API issued and that were uploaded, with the declared MD5', async () => {
    for (const id of ['sc/abc.jpg', 'aplus-media/sc/not-issued']) {
      const r = await c.post(`/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: contentDocumentWith(id) });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].message).toMatch(/Invalid uploadDestinationId/);
    }
    // Issued but never uploaded: refused too.
    const md5 = createHash('md5').update(PNG).digest('base64');
    const dest = await c.post(`/uploads/2020-11-01/uploadDestinations/aplus/2020-11-01/contentDocuments?marketplaceIds=${US}&contentMD5=${encodeURIComponent(md5)}&contentType=image/png`);
    expect(dest.status).toBe(201);
    expect(dest.body.payload).toMatchObject({ uploadDestinationId: expect.any(String), url: expect.any(String), headers: {} });
    expect((await c.post(`/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: contentDocumentWith(dest.body.payload.uploadDestinationId) })).status).toBe(400);
    // The upload must match the declared MD5; a missing contentMD5 or another resource is refused.
    const url = new URL(dest.body.payload.url);
    const form = new FormData();
    for (const [name, value] of url.searchParams) form.append(name, value);
    form.append('file', new Blob([Buffer.from('other bytes')], { type: 'image/png' }));
    expect((await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form })).status).toBe(400);
    expect((await c.post(`/uploads/2020-11-01/uploadDestinations/aplus/2020-11-01/contentDocuments?marketplaceIds=${US}&contentType=image/png`)).status).toBe(400);
    expect((await c.post(`/uploads/2020-11-01/uploadDestinations/other/resource?marketplaceIds=${US}&contentMD5=${encodeURIComponent(md5)}&contentType=image/png`)).status).toBe(400);
  });

  it('runs the create → validate → relate → submit workflow', async () => {
    const created = await c.post(`/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: CONTENT_DOCUMENT });
    expect(created.status).toBe(200);
    const key = created.body.contentReferenceKey as string;
    expect(key).toBeTruthy();
    const mine = NA.asins.slice(0, 2);
    const valid = await c.post(`/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${mine.join(',')}`, { contentDocument: CONTENT_DOCUMENT });
    expect(valid.status).toBe(200);
    expect(valid.body.errors).toEqual([]);
    const foreign = SEED.sellers.EU.asins[0]!;
    const invalid = await c.post(`/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${mine[0]},${foreign},B0UNKNOWN0`, { contentDocument: CONTENT_DOCUMENT });
    expect(invalid.status).toBe(200);
    expect(invalid.body.errors.map((e: any) => e.details)).toEqual([foreign, 'B0UNKNOWN0']);
    expect((await c.post(`/aplus/2020-11-01/contentDocuments/${key}/asins?marketplaceId=${US}`, { asinSet: [foreign] })).status).toBe(400);
    expect((await c.post(`/aplus/2020-11-01/contentDocuments/${key}/asins?marketplaceId=${US}`, { asinSet: mine })).status).toBe(200);
    expect((await c.post(`/aplus/2020-11-01/contentDocuments/${key}/approvalSubmissions?marketplaceId=${US}`)).status).toBe(200);
    await sleep(40);
    const got = await c.get(`/aplus/2020-11-01/contentDocuments/${key}?marketplaceId=${US}&includedDataSet=METADATA,CONTENTS`);
    expect(got.body.contentRecord.contentMetadata.status).toBe('APPROVED');
    expect(got.body.contentRecord.contentDocument.name).toBe(CONTENT_DOCUMENT.name);
    expect((await c.post(`/aplus/2020-11-01/contentDocuments/nope/approvalSubmissions?marketplaceId=${US}`)).status).toBe(404);
  });

  it('rejects documents that break the model', async () => {
    const broken = [
      { ...CONTENT_DOCUMENT, name: '' },
      { ...CONTENT_DOCUMENT, name: 'x'.repeat(101) },
      { ...CONTENT_DOCUMENT, locale: 'en_US' },
      { ...CONTENT_DOCUMENT, contentModuleList: [] },
      { ...CONTENT_DOCUMENT, contentModuleList: [{ contentModuleType: 'STANDARD_TEXT', standardProductDescription: { body: { textList: [{ value: 'x' }] } } }] },
      { ...CONTENT_DOCUMENT, contentModuleList: [{ contentModuleType: 'STANDARD_TECH_SPECS', standardTechSpecs: { specificationList: [] } }] },
      { ...CONTENT_DOCUMENT, contentType: 'XYZ' },
    ];
    for (const doc of broken) {
      const r = await c.post(`/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: doc });
      expect(r.status, JSON.stringify(doc).slice(0, 120)).toBe(400);
      expect(r.body.errors[0].code).toBe('InvalidInput');
      expect(r.body.errors[0].details.length).toBeGreaterThan(0);
    }
    expect((await c.post(`/aplus/2020-11-01/contentDocuments`, { contentDocument: CONTENT_DOCUMENT })).status).toBe(400);
  });

  it('flags promotional wording in validation', async () => {
    const promo = { ...CONTENT_DOCUMENT, contentModuleList: [{ contentModuleType: 'STANDARD_TEXT', standardText: { body: { textList: [{ value: 'Only $9.99, buy now!' }] } } }] };
    const r = await c.post(`/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${NA.asins[0]}`, { contentDocument: promo });
    expect(r.body.errors[0].code).toBe('CONTENT_FAILED_VALIDATION');
  });
});

describe('Solicitations API', () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  const actions = (id: string) => c.get(`/solicitations/v1/orders/${id}?marketplaceIds=${US}`);
  const solicit = (id: string) => c.post(`/solicitations/v1/orders/${id}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`);

  it('offers the action only while eligible, and sends once', async () => {
    const id = NA.orders.eligible[0]!;
    const a = await actions(id);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toContain('application/hal+json');
    expect(a.body._links.actions).toEqual([{ href: `/solicitations/v1/orders/${id}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`, name: 'productReviewAndSellerFeedback' }]);
    const sent = await solicit(id);
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({});
    expect((await actions(id)).body._links.actions).toEqual([]);
    const again = await solicit(id);
    expect(again.status).toBe(403);
    expect(again.body.errors[0]).toMatchObject({ code: 'Unauthorized', message: 'Access to requested resource is denied.' });
  });

  it('sometimes lists no action for an eligible order, and still sends it', async () => {
    const id = NA.orders.eligibleUnlisted;
    expect((await actions(id)).body._links.actions).toEqual([]);
    expect((await solicit(id)).status).toBe(201);
  });

  it('already solicited, outside the window (403 Unauthorized, as Amazon answers), unknown', async () => {
    expect((await actions(NA.orders.alreadySolicited)).body._links.actions).toEqual([]);
    expect((await solicit(NA.orders.alreadySolicited)).status).toBe(403);
    for (const id of [NA.orders.tooEarly, NA.orders.tooLate]) {
      expect((await actions(id)).body._links.actions).toEqual([]);
      expect((await solicit(id)).status).toBe(403);
    }
    expect((await actions(NA.orders.unknown)).status).toBe(404);
    expect((await solicit(NA.orders.unknown)).status).toBe(404);
    expect((await c.get(`/solicitations/v1/orders/${NA.orders.eligible[1]}`)).status).toBe(400);
  });
});
