/**
 * Every answer of the simulator must validate against Amazon's model for that operation and status
 * (Swagger 2.0 definitions, vendored in vendor/amazon-sp-api-models), and report / feed documents
 * against their JSON schemas.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  accessToken,
  call,
  client,
  contentDocumentWith,
  download,
  gunzipJson,
  isoDay,
  lastFullMonth,
  lastFullWeek,
  readModel,
  SEED,
  start,
  waitTerminal,
  uploadAplusImage,
  type Answer,
} from './helpers.js';

/** For the error-status samples: a document without images (no upload needed). */
const TEXT_ONLY_DOCUMENT = { ...contentDocumentWith('unused'), contentModuleList: contentDocumentWith('unused').contentModuleList.slice(0, 1) };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
const PNG_MD5 = createHash('md5').update(PNG).digest('base64');

const MODELS = {
  sellers: 'sellers.json',
  listings: 'listingsItems_2021-08-01.json',
  catalog: 'catalogItems_2022-04-01.json',
  sales: 'sales.json',
  reports: 'reports_2021-06-30.json',
  feeds: 'feeds_2021-06-30.json',
  aplus: 'aplusContent_2020-11-01.json',
  solicitations: 'solicitations.json',
  uploads: 'uploads_2020-11-01.json',
} as const;

const REPORT_SCHEMAS: Record<string, string> = {
  GET_SALES_AND_TRAFFIC_REPORT: 'sellerSalesAndTrafficReport.json',
  GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT: 'sellingPartnerSearchTermsReport.json',
  GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT: 'sellingPartnerMarketBasketAnalysisReport.json',
  GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT: 'sellingPartnerRepeatPurchaseReport.json',
  GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT: 'sellingPartnerSearchQueryPerformanceReport.json',
  GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT: 'sellingPartnerSearchCatalogPerformanceReport.json',
  GET_V2_SELLER_PERFORMANCE_REPORT: 'accountHealthReport-2020-11-18.json',
};

interface OpInfo {
  model: keyof typeof MODELS;
  responses: Record<string, { schema?: { $ref?: string } }>;
  produces?: string[];
}

const NA = SEED.sellers.NA;
const US = 'ATVPDKIKX0DER';
const FAST = { inQueueMs: 10, inProgressMs: 10 };

describe('conformance with Amazon models', () => {
  let sim: RunningSimulator;
  let token: string;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports (which also carries .default).
  addFormatsModule.default(ajv);
  const ops = new Map<string, OpInfo>();
  const validators = new Map<string, ValidateFunction>();
  const checked = new Map<string, Set<number>>();

  beforeAll(async () => {
    for (const [key, file] of Object.entries(MODELS) as [keyof typeof MODELS, string][]) {
      const model = readModel(file) as { definitions: Record<string, unknown>; paths: Record<string, Record<string, any>>; produces?: string[] };
      ajv.addSchema({ $id: `spapi-${key}`, definitions: model.definitions });
      for (const methods of Object.values(model.paths)) {
        for (const op of Object.values(methods)) {
          if (op?.operationId) ops.set(op.operationId, { model: key, responses: op.responses, produces: op.produces ?? model.produces });
        }
      }
    }
    sim = await start({ rateLimits: false, reportTimings: FAST });
    token = await accessToken(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });

  /** Cancelling needs a job still IN_QUEUE: hold the queue so a busy machine cannot outrun the window. */
  async function whileQueued(body: () => Promise<void>): Promise<void> {
    sim.setReportTimings({ inQueueMs: 600_000, inProgressMs: FAST.inProgressMs });
    try {
      await body();
    } finally {
      sim.setReportTimings(FAST);
    }
  }

  /** Validates an answer against the model's schema for (operation, status). */
  function conforms(operationId: string, a: Answer): void {
    const info = ops.get(operationId);
    expect(info, `operation ${operationId} in the models`).toBeDefined();
    const declared = info!.responses[String(a.status)];
    expect(declared, `${operationId} declares status ${a.status}`).toBeDefined();
    (checked.get(operationId) ?? checked.set(operationId, new Set()).get(operationId)!).add(a.status);
    const ref = declared!.schema?.$ref;
    if (!ref) {
      expect(a.text, `${operationId} ${a.status} has no body`).toBe('');
      return;
    }
    const id = `spapi-${info!.model}${ref}`;
    const validate = validators.get(id) ?? ajv.compile({ $ref: id });
    validators.set(id, validate);
    const ok = validate(a.body);
    expect(ok, `${operationId} ${a.status}: ${ajv.errorsText(validate.errors)}\n${a.text.slice(0, 500)}`).toBe(true);
    expect(a.headers.get('x-amzn-requestid')).toBeTruthy();
    const rateHeader = a.headers.get('x-amzn-ratelimit-limit');
    if (a.status < 300 || a.status === 400 || a.status === 404) expect(rateHeader, `${operationId} ${a.status} rate header`).toBeTruthy();
    else expect(rateHeader).toBeNull();
  }

  function schemaValidator(file: string): ValidateFunction {
    const schema = readModel(file);
    delete schema.$schema;
    return ajv.compile(schema);
  }

  const api = (method: string, path: string, body?: unknown, t: string | undefined = token) => call(sim.baseUrl, t, method, path, body);

  // One representative request per operation (used for the 403 / 429 / 5xx checks too).
  const SAMPLES: [string, string, string, unknown?][] = [
    ['getMarketplaceParticipations', 'GET', '/sellers/v1/marketplaceParticipations'],
    ['getAccount', 'GET', '/sellers/v1/account'],
    ['searchListingsItems', 'GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}`],
    ['getListingsItem', 'GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-PET-004?marketplaceIds=${US}`],
    ['patchListingsItem', 'PATCH', `/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-PET-004?marketplaceIds=${US}&mode=VALIDATION_PREVIEW`, { productType: 'PRODUCT', patches: [{ op: 'delete', path: '/attributes/color' }] }],
    ['searchCatalogItems', 'GET', `/catalog/2022-04-01/items?marketplaceIds=${US}&keywords=mug`],
    ['getCatalogItem', 'GET', `/catalog/2022-04-01/items/${NA.asins[0]}?marketplaceIds=${US}`],
    ['getOrderMetrics', 'GET', `/sales/v1/orderMetrics?marketplaceIds=${US}&granularity=Total&granularityTimeZone=UTC&interval=${encodeURIComponent(`${isoDay(-3)}T00:00:00Z--${isoDay(0)}T00:00:00Z`)}`],
    ['createReport', 'POST', '/reports/2021-06-30/reports', { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US] }],
    ['getReports', 'GET', '/reports/2021-06-30/reports?reportTypes=GET_V2_SELLER_PERFORMANCE_REPORT'],
    ['getReport', 'GET', '/reports/2021-06-30/reports/1'],
    ['getReportDocument', 'GET', '/reports/2021-06-30/documents/x'],
    ['createFeedDocument', 'POST', '/feeds/2021-06-30/documents', { contentType: 'application/json' }],
    ['getFeeds', 'GET', '/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED'],
    ['getFeed', 'GET', '/feeds/2021-06-30/feeds/1'],
    ['getFeedDocument', 'GET', '/feeds/2021-06-30/documents/x'],
    ['createContentDocument', 'POST', `/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: TEXT_ONLY_DOCUMENT }],
    ['validateContentDocumentAsinRelations', 'POST', `/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${NA.asins[0]}`, { contentDocument: TEXT_ONLY_DOCUMENT }],
    ['getSolicitationActionsForOrder', 'GET', `/solicitations/v1/orders/${NA.orders.eligible[0]}?marketplaceIds=${US}`],
    ['createProductReviewAndSellerFeedbackSolicitation', 'POST', `/solicitations/v1/orders/${NA.orders.unknown}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`],
    ['createUploadDestinationForResource', 'POST', `/uploads/2020-11-01/uploadDestinations/aplus/2020-11-01/contentDocuments?marketplaceIds=${US}&contentMD5=${encodeURIComponent(PNG_MD5)}&contentType=image%2Fpng`],
  ];

  it('the validators are not vacuous', () => {
    const item = ajv.compile({ $ref: 'spapi-listings#/definitions/Item' });
    expect(item({})).toBe(false);
    expect(schemaValidator('sellerSalesAndTrafficReport.json')({ salesAndTrafficByDate: [] })).toBe(false);
  });

  it('403, 429, 500 and 503 bodies of every operation match the model', async () => {
    for (const [op, method, path, body] of SAMPLES) {
      conforms(op, await api(method, path, body, undefined));
      conforms(op, await api(method, path, body, 'Atza|expired-or-forged'));
      sim.faults.throttle(op, { rate: 0.0001, burst: 0 });
      conforms(op, await api(method, path, body));
      sim.faults.reset();
      sim.faults.failNext(1, { status: 500 });
      conforms(op, await api(method, path, body));
      sim.faults.failNext(1, { status: 503 });
      conforms(op, await api(method, path, body));
    }
  });

  it('sellers, listings, catalog and sales answers match the model', async () => {
    conforms('getMarketplaceParticipations', await api('GET', '/sellers/v1/marketplaceParticipations'));
    conforms('getAccount', await api('GET', '/sellers/v1/account'));
    const all = 'summaries,attributes,issues,offers,fulfillmentAvailability,procurement,relationships,productTypes';
    conforms('searchListingsItems', await api('GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US},A2EUQ1WTGCTBG2&includedData=${all}&pageSize=20`));
    conforms('searchListingsItems', await api('GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}?marketplaceIds=${US}&pageSize=99`));
    for (const sku of [NA.encodedSku, NA.suppressedSku, NA.outOfStockSku, 'SS-MUG-001']) {
      conforms('getListingsItem', await api('GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}/${encodeURIComponent(sku)}?marketplaceIds=${US}&includedData=${all}`));
    }
    conforms('getListingsItem', await api('GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}/${NA.unknownSku}?marketplaceIds=${US}`));
    conforms('getListingsItem', await api('GET', `/listings/2021-08-01/items/${NA.sellingPartnerId}/SS-MUG-001`));
    const patchPath = (sku: string, q = '') => `/listings/2021-08-01/items/${NA.sellingPartnerId}/${encodeURIComponent(sku)}?marketplaceIds=${US}${q}`;
    const good = { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'A title', marketplace_id: US, language_tag: 'en_US' }] }] };
    const bad = { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'y'.repeat(250), marketplace_id: US }] }] };
    conforms('patchListingsItem', await api('PATCH', patchPath('SS-MUG-001', '&mode=VALIDATION_PREVIEW&includedData=issues,identifiers'), good));
    conforms('patchListingsItem', await api('PATCH', patchPath('SS-MUG-001', '&mode=VALIDATION_PREVIEW'), bad));
    conforms('patchListingsItem', await api('PATCH', patchPath('SS-MUG-001'), good));
    conforms('patchListingsItem', await api('PATCH', patchPath('SS-MUG-001'), { patches: [] }));
    conforms('deleteListingsItem', await api('DELETE', patchPath(NA.skus.at(-1)!)));
    const cat = 'attributes,classifications,dimensions,identifiers,images,productTypes,relationships,salesRanks,summaries,vendorDetails';
    conforms('searchCatalogItems', await api('GET', `/catalog/2022-04-01/items?marketplaceIds=${US}&keywords=mug,blue&includedData=${cat}&pageSize=20`));
    conforms('searchCatalogItems', await api('GET', `/catalog/2022-04-01/items?marketplaceIds=${US}&identifiers=${NA.asins.slice(0, 5).join(',')}&identifiersType=ASIN&includedData=${cat}`));
    conforms('searchCatalogItems', await api('GET', `/catalog/2022-04-01/items?marketplaceIds=${US}`));
    conforms('getCatalogItem', await api('GET', `/catalog/2022-04-01/items/${NA.asins[1]}?marketplaceIds=${US},A1AM78C64UM0Y8&includedData=${cat}`));
    conforms('getCatalogItem', await api('GET', `/catalog/2022-04-01/items/${NA.unknownAsin}?marketplaceIds=${US}`));
    const interval = encodeURIComponent(`${isoDay(-10)}T00:00:00-08:00--${isoDay(0)}T00:00:00-08:00`);
    conforms('getOrderMetrics', await api('GET', `/sales/v1/orderMetrics?marketplaceIds=${US}&interval=${interval}&granularity=Day&granularityTimeZone=Etc/GMT%2B8`));
    conforms('getOrderMetrics', await api('GET', `/sales/v1/orderMetrics?marketplaceIds=${US}&interval=${interval}&granularity=Day`));
  });

  it('report answers, and every report document matches its schema', async () => {
    const week = lastFullWeek();
    const month = lastFullMonth();
    const asins = NA.asins.slice(0, 3).join(' ');
    const requests: Record<string, unknown>[] = [
      { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-10), dataEndTime: isoDay(-3), reportOptions: { dateGranularity: 'DAY', asinGranularity: 'CHILD' } },
      { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-70), dataEndTime: isoDay(-3), reportOptions: { dateGranularity: 'MONTH', asinGranularity: 'SKU' } },
      { reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', marketplaceIds: [US], dataStartTime: week.start, dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } },
      { reportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT', marketplaceIds: [US], dataStartTime: month.start, dataEndTime: month.end, reportOptions: { reportPeriod: 'MONTH' } },
      { reportType: 'GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT', marketplaceIds: [US], dataStartTime: week.start, dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } },
      { reportType: 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT', marketplaceIds: [US], dataStartTime: week.start, dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK', asin: asins } },
      { reportType: 'GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT', marketplaceIds: [US], dataStartTime: month.start, dataEndTime: month.end, reportOptions: { reportPeriod: 'MONTH' } },
      { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US, 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8'] },
    ];
    for (const body of requests) {
      const created = await api('POST', '/reports/2021-06-30/reports', body);
      conforms('createReport', created);
      conforms('getReport', await api('GET', `/reports/2021-06-30/reports/${created.body.reportId}`));
      const done = await waitTerminal(() => api('GET', `/reports/2021-06-30/reports/${created.body.reportId}`));
      conforms('getReport', done);
      expect(done.body.processingStatus, JSON.stringify(body)).toBe('DONE');
      const doc = await api('GET', `/reports/2021-06-30/documents/${done.body.reportDocumentId}`);
      conforms('getReportDocument', doc);
      const content = gunzipJson((await download(doc.body.url)).bytes);
      const validate = schemaValidator(REPORT_SCHEMAS[body.reportType as string]!);
      expect(validate(content), `${String(body.reportType)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    conforms('createReport', await api('POST', '/reports/2021-06-30/reports', { reportType: 'GET_BRAND_ANALYTICS_ITEM_COMPARISON_REPORT', marketplaceIds: [US] }));
    const fatal = await api('POST', '/reports/2021-06-30/reports', { reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-9), dataEndTime: isoDay(-1), reportOptions: { reportPeriod: 'WEEK' } });
    conforms('getReport', await waitTerminal(() => api('GET', `/reports/2021-06-30/reports/${fatal.body.reportId}`)));
    const cancelled = await api('POST', '/reports/2021-06-30/reports', { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-900), dataEndTime: isoDay(-890) });
    conforms('getReport', await waitTerminal(() => api('GET', `/reports/2021-06-30/reports/${cancelled.body.reportId}`)));
    await whileQueued(async () => {
      const queued = await api('POST', '/reports/2021-06-30/reports', { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US] });
      conforms('cancelReport', await api('DELETE', `/reports/2021-06-30/reports/${queued.body.reportId}`));
      conforms('cancelReport', await api('DELETE', `/reports/2021-06-30/reports/${queued.body.reportId}`));
    });
    conforms('getReports', await api('GET', '/reports/2021-06-30/reports?reportTypes=GET_V2_SELLER_PERFORMANCE_REPORT,GET_SALES_AND_TRAFFIC_REPORT&pageSize=2'));
    conforms('getReports', await api('GET', '/reports/2021-06-30/reports'));
    conforms('getReport', await api('GET', '/reports/2021-06-30/reports/0'));
    const res = await fetch(`${sim.baseUrl}/reports/2021-06-30/reports`, { method: 'POST', headers: { 'x-amz-access-token': token, 'content-type': 'text/plain' }, body: '{}' });
    const text = await res.text();
    conforms('createReport', { status: res.status, headers: res.headers, text, body: JSON.parse(text) });
    conforms('getReportDocument', await api('GET', '/reports/2021-06-30/documents/nope'));
  });

  it('feed answers, and the JSON_LISTINGS_FEED processing report matches its schema', async () => {
    const declared = await api('POST', '/feeds/2021-06-30/documents', { contentType: 'application/json' });
    conforms('createFeedDocument', declared);
    conforms('createFeedDocument', await api('POST', '/feeds/2021-06-30/documents', {}));
    const feedDoc = {
      header: { sellerId: NA.sellingPartnerId, version: '2.0', issueLocale: 'en_US', report: { includedData: ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'productTypes'], apiVersion: '2021-08-01' } },
      messages: [
        { messageId: 1, sku: 'SS-MUG-001', operationType: 'PARTIAL_UPDATE', productType: 'PRODUCT', attributes: { fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }] } },
        { messageId: 2, sku: NA.unknownSku, operationType: 'DELETE' },
        { messageId: 3, sku: 'SS-MUG-001', operationType: 'PATCH', productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/main_product_image_locator', value: [{ media_location: 'not a url', marketplace_id: US }] }] },
      ],
    };
    const inputSchema = schemaValidator('listings-feed-schema-v2.json');
    expect(inputSchema(feedDoc), ajv.errorsText(inputSchema.errors)).toBe(true);
    const put = await fetch(declared.body.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: gzipSync(JSON.stringify(feedDoc)) });
    expect(put.status).toBe(200);
    const created = await api('POST', '/feeds/2021-06-30/feeds', { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: declared.body.feedDocumentId });
    conforms('createFeed', created);
    conforms('createFeed', await api('POST', '/feeds/2021-06-30/feeds', { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US] }));
    conforms('getFeed', await api('GET', `/feeds/2021-06-30/feeds/${created.body.feedId}`));
    const done = await waitTerminal(() => api('GET', `/feeds/2021-06-30/feeds/${created.body.feedId}`));
    conforms('getFeed', done);
    expect(done.body.processingStatus).toBe('DONE');
    const result = await api('GET', `/feeds/2021-06-30/documents/${done.body.resultFeedDocumentId}`);
    conforms('getFeedDocument', result);
    const report = gunzipJson((await download(result.body.url)).bytes);
    const validate = schemaValidator('listings-feed-processing-report-schema-v2.json');
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true);
    expect(report.summary).toMatchObject({ messagesProcessed: 3, messagesAccepted: 1, messagesInvalid: 2 });
    conforms('getFeedDocument', await api('GET', `/feeds/2021-06-30/documents/${declared.body.feedDocumentId}`));
    conforms('getFeeds', await api('GET', '/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED'));
    conforms('getFeeds', await api('GET', '/feeds/2021-06-30/feeds'));
    conforms('getFeed', await api('GET', '/feeds/2021-06-30/feeds/42'));
    await whileQueued(async () => {
      const second = await api('POST', '/feeds/2021-06-30/feeds', { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: declared.body.feedDocumentId });
      conforms('cancelFeed', await api('DELETE', `/feeds/2021-06-30/feeds/${second.body.feedId}`));
      conforms('cancelFeed', await api('DELETE', `/feeds/2021-06-30/feeds/${second.body.feedId}`));
    });
  });

  it('A+, uploads and solicitations answers match the model', async () => {
    const uploads = (query: string, resource = 'aplus/2020-11-01/contentDocuments') => api('POST', `/uploads/2020-11-01/uploadDestinations/${resource}?${query}`);
    conforms('createUploadDestinationForResource', await uploads(`marketplaceIds=${US}&contentMD5=${encodeURIComponent(PNG_MD5)}&contentType=image%2Fpng`));
    conforms('createUploadDestinationForResource', await uploads(`marketplaceIds=${US}&contentType=image%2Fpng`));
    conforms('createUploadDestinationForResource', await uploads(`marketplaceIds=${US}&contentMD5=${encodeURIComponent(PNG_MD5)}`, 'messaging/v1/orders/1/messages/legalDisclosure'));
    const CONTENT_DOCUMENT = contentDocumentWith(await uploadAplusImage(await client(sim), PNG));
    conforms('createContentDocument', await api('POST', `/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: contentDocumentWith('not-issued') }));
    const created = await api('POST', `/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: CONTENT_DOCUMENT });
    conforms('createContentDocument', created);
    conforms('createContentDocument', await api('POST', `/aplus/2020-11-01/contentDocuments?marketplaceId=${US}`, { contentDocument: { ...CONTENT_DOCUMENT, locale: 'en_US' } }));
    const key = created.body.contentReferenceKey as string;
    conforms('validateContentDocumentAsinRelations', await api('POST', `/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${NA.asins[0]},B0FOREIGN1`, { contentDocument: CONTENT_DOCUMENT }));
    conforms('validateContentDocumentAsinRelations', await api('POST', `/aplus/2020-11-01/contentAsinValidations?marketplaceId=${US}&asinSet=${NA.asins[0]}`, { contentDocument: CONTENT_DOCUMENT }));
    conforms('postContentDocumentAsinRelations', await api('POST', `/aplus/2020-11-01/contentDocuments/${key}/asins?marketplaceId=${US}`, { asinSet: NA.asins.slice(0, 2) }));
    conforms('postContentDocumentAsinRelations', await api('POST', `/aplus/2020-11-01/contentDocuments/${key}/asins?marketplaceId=${US}`, { asinSet: ['B0FOREIGN1'] }));
    conforms('postContentDocumentApprovalSubmission', await api('POST', `/aplus/2020-11-01/contentDocuments/${key}/approvalSubmissions?marketplaceId=${US}`));
    conforms('postContentDocumentApprovalSubmission', await api('POST', `/aplus/2020-11-01/contentDocuments/missing/approvalSubmissions?marketplaceId=${US}`));
    conforms('getContentDocument', await api('GET', `/aplus/2020-11-01/contentDocuments/${key}?marketplaceId=${US}&includedDataSet=CONTENTS,METADATA`));

    const order = NA.orders.eligible[2]!;
    const eligible = await api('GET', `/solicitations/v1/orders/${order}?marketplaceIds=${US}`);
    expect(eligible.headers.get('content-type')).toContain('application/hal+json');
    conforms('getSolicitationActionsForOrder', eligible);
    conforms('createProductReviewAndSellerFeedbackSolicitation', await api('POST', `/solicitations/v1/orders/${order}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`));
    conforms('createProductReviewAndSellerFeedbackSolicitation', await api('POST', `/solicitations/v1/orders/${order}/solicitations/productReviewAndSellerFeedback?marketplaceIds=${US}`));
    conforms('getSolicitationActionsForOrder', await api('GET', `/solicitations/v1/orders/${order}?marketplaceIds=${US}`));
    conforms('getSolicitationActionsForOrder', await api('GET', `/solicitations/v1/orders/${NA.orders.unknown}?marketplaceIds=${US}`));
    conforms('getSolicitationActionsForOrder', await api('GET', `/solicitations/v1/orders/${order}`));
  });

  it('covered every operation the broker uses, with success and error statuses', () => {
    const required = SAMPLES.map(([op]) => op).concat(['postContentDocumentAsinRelations', 'postContentDocumentApprovalSubmission', 'getContentDocument', 'createFeed', 'cancelFeed', 'cancelReport']);
    for (const op of required) {
      const statuses = [...(checked.get(op) ?? [])];
      expect(statuses.some((s) => s < 300), `${op} success checked`).toBe(true);
    }
  });
});
