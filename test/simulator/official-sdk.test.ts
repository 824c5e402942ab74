/**
 * Amazon's own JavaScript SDK (@amazon-sp-api-release/amazon-sp-api-sdk-js, generated from Amazon's
 * models) drives the simulator through its API classes: every SP-API operation the broker calls
 * (src/spapi/types.ts OperationName), with the requests the broker makes. Each raw answer is held to
 * what the SDK's generated model for it declares (required properties, types, enums, ISO 8601 dates,
 * no undeclared property; test/simulator/sdk-models.ts), and the SDK must deserialise it into that
 * model. A second oracle beside the conformance test, which holds the same answers to the model files.
 *
 * LWA: the SDK's LWA client posts to https://api.amazon.com/auth/o2/token, fixed in its code, so the
 * token comes from the simulator's LWA endpoint with the exact request the SDK's LwaAuthClient sends,
 * and reaches the SDK through its documented hook, ApiClient.applyXAmzAccessTokenToRequest.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  ApluscontentSpApi,
  CatalogitemsSpApi,
  FeedsSpApi,
  ListingsitemsSpApi,
  ReportsSpApi,
  SalesSpApi,
  SellersSpApi,
  SolicitationsSpApi,
  UploadsSpApi,
  type SdkAnswer,
  type SdkApiClient,
  type SdkResponse,
} from '@amazon-sp-api-release/amazon-sp-api-sdk-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import type { OperationName } from '../../src/spapi/types.js';
import { contentDocumentWith, isoDay, SEED, sleep, start } from './helpers.js';
import { SdkModels } from './sdk-models.js';

const NA = SEED.sellers.NA;
const US = SEED.marketplaces.US;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 9)]);

/** An SDK call's outcome: the raw answer (parsed from the response text) and, on success, the SDK's model instance. */
interface Outcome {
  status: number;
  raw: unknown;
  data: unknown;
  response: SdkResponse;
}

/** A rejected SDK call carries superagent's response: the error answers are checked too. */
async function outcome(call: () => Promise<SdkAnswer>): Promise<Outcome> {
  try {
    const { data, response } = await call();
    return { status: response.status, raw: response.text ? JSON.parse(response.text) : undefined, data, response };
  } catch (error) {
    const response = (error as { response?: SdkResponse }).response;
    if (!response) throw error;
    return { status: response.status, raw: response.text ? JSON.parse(response.text) : undefined, data: undefined, response };
  }
}

/** The refresh-token grant exactly as the SDK's helper/LwaAuthClient.mjs sends it (unencoded form fields). */
async function lwaAccessToken(sim: RunningSimulator, refreshToken: string): Promise<{ access_token: string; expires_in: number }> {
  const res = await fetch(sim.lwaTokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: `grant_type=refresh_token&refresh_token=${refreshToken}&client_id=${SEED.lwa.clientId}&client_secret=${SEED.lwa.clientSecret}`,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; expires_in: number };
}

describe("Amazon's JavaScript SDK drives the simulator", () => {
  let sim: RunningSimulator;
  let token: string;
  const covered = new Set<OperationName>();

  /** An SDK ApiClient pointed at the simulator, with the access token applied. */
  function sdkClient(module: { ApiClient: new (baseUrl?: string) => SdkApiClient }): SdkApiClient {
    const client = new module.ApiClient(sim.baseUrl);
    client.applyXAmzAccessTokenToRequest(token);
    // The SDK throttles on the client by default and drops a call once a burst is spent (Bottleneck,
    // highWater 0); the simulator enforces Amazon's buckets itself, so polling must not be dropped here.
    client.disableRateLimiter();
    return client;
  }

  /**
   * The answer conforms to the SDK's model: on success the operation's returnType (and the SDK built
   * an instance of it), otherwise `errorModel`, the model Amazon's API declares for that status.
   */
  function conforms(models: SdkModels, api: object, operation: OperationName, answer: Outcome, expectedStatus: number, errorModel?: string): void {
    expect(answer.status, `${operation}: ${answer.response.text.slice(0, 300)}`).toBe(expectedStatus);
    covered.add(operation);
    if (answer.status < 300) {
      const returnType = models.returnTypeOf(api, operation);
      expect(returnType, `${operation} has a return type`).not.toBeNull();
      expect(models.problems(returnType!, answer.raw), `${operation} ${answer.status} against ${returnType}`).toEqual([]);
      const empty = typeof answer.raw === 'object' && answer.raw !== null && Object.keys(answer.raw).length === 0;
      // An empty object (e.g. Amazon's 201 `{}` of a solicitation) the SDK hands back as the response text (ApiClient.deserialize).
      if (empty) expect(answer.data).toBe(answer.response.text);
      else expect(answer.data, `the SDK deserialised ${operation} into ${returnType}`).toBeInstanceOf(models.modelClass(returnType!) as new () => unknown);
    } else {
      expect(errorModel, `${operation} ${answer.status}: name the error model`).toBeDefined();
      expect(models.problems(errorModel!, answer.raw), `${operation} ${answer.status} against ${errorModel}`).toEqual([]);
    }
  }

  beforeAll(async () => {
    sim = await start({ reportTimings: { inQueueMs: 20, inProgressMs: 30 } });
    const granted = await lwaAccessToken(sim, NA.refreshToken);
    // What the SDK's LWA client reads from the answer (it caches the token for expires_in seconds).
    expect(typeof granted.access_token).toBe('string');
    expect(Number.isInteger(granted.expires_in) && granted.expires_in > 60).toBe(true);
    token = granted.access_token;
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('the model checker is not vacuous', () => {
    const models = new SdkModels(ReportsSpApi, 'reports');
    expect(models.problems('Report', { reportId: '1', reportType: 'X', createdTime: '2024-01-01T00:00:00Z', processingStatus: 'DONE' })).toEqual([]);
    expect(models.problems('Report', { reportId: '1', reportType: 'X', createdTime: '2024-01-01T00:00:00Z' })).toEqual(['Report.processingStatus: required by Report, missing']);
    expect(models.problems('Report', { reportId: 1, reportType: 'X', createdTime: 'yesterday', processingStatus: 'WAITING', extra: true })).toEqual([
      'Report.reportId: 1 is not a string',
      'Report.createdTime: "yesterday" is not an ISO 8601 date',
      'Report.processingStatus: "WAITING" is not one of CANCELLED, DONE, FATAL, IN_PROGRESS, IN_QUEUE',
      'Report.extra: not declared by Report',
    ]);
    expect(models.problems('ErrorList', { errors: [{ code: 'X' }] })).toEqual(['ErrorList.errors[0].message: required by Error, missing']);
    const listings = new SdkModels(ListingsitemsSpApi, 'listings');
    expect(listings.problems('ItemSummaryByMarketplace', { marketplaceId: US, productType: 'MUG', status: ['LIVE'], createdDate: '2024-01-01T00:00:00Z', lastUpdatedDate: '2024-01-01T00:00:00Z' })).toEqual([
      'ItemSummaryByMarketplace.status[0]: "LIVE" is not one of BUYABLE, DISCOVERABLE',
    ]);
  });

  it('sellers: getMarketplaceParticipations', async () => {
    const models = new SdkModels(SellersSpApi, 'sellers');
    const api = new SellersSpApi.SellersApi(sdkClient(SellersSpApi));
    const answer = await outcome(() => api.getMarketplaceParticipationsWithHttpInfo());
    conforms(models, api, 'getMarketplaceParticipations', answer, 200);
    expect((answer.raw as { payload: { marketplace: { id: string } }[] }).payload.map((p) => p.marketplace.id)).toEqual(expect.arrayContaining(NA.marketplaceIds));
  });

  it('listings: getListingsItem, searchListingsItems, patchListingsItem as a preview and for real', async () => {
    const models = new SdkModels(ListingsitemsSpApi, 'listings');
    const api = new ListingsitemsSpApi.ListingsApi(sdkClient(ListingsitemsSpApi));
    const seller = NA.sellingPartnerId;
    const all = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability'];
    for (const sku of ['SS-MUG-001', NA.encodedSku, NA.suppressedSku, NA.outOfStockSku]) {
      conforms(models, api, 'getListingsItem', await outcome(() => api.getListingsItemWithHttpInfo(seller, sku, [US], { includedData: all, issueLocale: 'en_US' })), 200);
    }
    conforms(models, api, 'getListingsItem', await outcome(() => api.getListingsItemWithHttpInfo(seller, NA.unknownSku, [US], { includedData: ['summaries'] })), 404, 'ErrorList');
    const page = await outcome(() => api.searchListingsItemsWithHttpInfo(seller, [US], { includedData: ['summaries', 'offers', 'fulfillmentAvailability', 'issues'], pageSize: 20 }));
    conforms(models, api, 'searchListingsItems', page, 200);
    expect((page.raw as { items: unknown[] }).items.length).toBeGreaterThan(0);
    conforms(models, api, 'searchListingsItems', await outcome(() => api.searchListingsItemsWithHttpInfo(seller, [US], { pageSize: 1 })), 200);

    const sku = 'SS-MUG-001';
    const title = (value: string) => ({ productType: NA.productTypeBySku[sku]!, patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value, marketplace_id: US, language_tag: 'en_US' }] }] });
    const preview = await outcome(() => api.patchListingsItemWithHttpInfo(seller, sku, [US], title('Previewed by the SDK'), { includedData: ['issues'], mode: 'VALIDATION_PREVIEW' }));
    conforms(models, api, 'patchListingsItem', preview, 200);
    expect((preview.raw as { status: string }).status).toBe('VALID');
    const invalid = await outcome(() => api.patchListingsItemWithHttpInfo(seller, sku, [US], title('y'.repeat(250)), { includedData: ['issues'], mode: 'VALIDATION_PREVIEW' }));
    conforms(models, api, 'patchListingsItem', invalid, 200);
    expect((invalid.raw as { status: string; issues: unknown[] }).status).toBe('INVALID');
    const applied = await outcome(() => api.patchListingsItemWithHttpInfo(seller, sku, [US], title('Written by the SDK'), { includedData: ['issues'] }));
    conforms(models, api, 'patchListingsItem', applied, 200);
    expect((applied.raw as { status: string }).status).toBe('ACCEPTED');
    conforms(models, api, 'patchListingsItem', await outcome(() => api.patchListingsItemWithHttpInfo(seller, sku, [US], { productType: 'PRODUCT', patches: [] })), 400, 'ErrorList');
  });

  it('catalog: searchCatalogItems and getCatalogItem', async () => {
    const models = new SdkModels(CatalogitemsSpApi, 'catalog');
    const api = new CatalogitemsSpApi.CatalogApi(sdkClient(CatalogitemsSpApi));
    const searched = await outcome(() => api.searchCatalogItemsWithHttpInfo([US], { keywords: ['mug'], includedData: ['summaries', 'images', 'salesRanks'], pageSize: 10 }));
    conforms(models, api, 'searchCatalogItems', searched, 200);
    expect((searched.raw as { numberOfResults: number }).numberOfResults).toBeGreaterThan(0);
    conforms(models, api, 'searchCatalogItems', await outcome(() => api.searchCatalogItemsWithHttpInfo([US], { identifiers: NA.asins.slice(0, 3), identifiersType: 'ASIN', includedData: ['summaries', 'images', 'salesRanks'] })), 200);
    const detail = ['summaries', 'attributes', 'images', 'salesRanks', 'productTypes', 'identifiers'];
    conforms(models, api, 'getCatalogItem', await outcome(() => api.getCatalogItemWithHttpInfo(NA.asins[0]!, [US], { includedData: detail })), 200);
    conforms(models, api, 'getCatalogItem', await outcome(() => api.getCatalogItemWithHttpInfo(NA.unknownAsin, [US], { includedData: detail })), 404, 'ErrorList');
  });

  it('sales: getOrderMetrics', async () => {
    const models = new SdkModels(SalesSpApi, 'sales');
    const api = new SalesSpApi.SalesApi(sdkClient(SalesSpApi));
    const interval = `${isoDay(-8)}T00:00:00-08:00--${isoDay(-1)}T00:00:00-08:00`;
    const daily = await outcome(() => api.getOrderMetricsWithHttpInfo([US], interval, 'Day', { granularityTimeZone: 'US/Pacific' }));
    conforms(models, api, 'getOrderMetrics', daily, 200);
    expect((daily.raw as { payload: unknown[] }).payload).toHaveLength(7);
    conforms(models, api, 'getOrderMetrics', await outcome(() => api.getOrderMetricsWithHttpInfo([US], interval, 'Total', { granularityTimeZone: 'US/Pacific' })), 200);
    // granularityTimeZone is required above Hour (sales.json).
    conforms(models, api, 'getOrderMetrics', await outcome(() => api.getOrderMetricsWithHttpInfo([US], interval, 'Total')), 400, 'GetOrderMetricsResponse');
    conforms(models, api, 'getOrderMetrics', await outcome(() => api.getOrderMetricsWithHttpInfo([US], 'not an interval', 'Day')), 400, 'GetOrderMetricsResponse');
  });

  it('reports: createReport → getReport → getReportDocument → the document, gunzipped', async () => {
    const models = new SdkModels(ReportsSpApi, 'reports');
    const api = new ReportsSpApi.ReportsApi(sdkClient(ReportsSpApi));
    const requests = [
      { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: `${isoDay(-10)}T00:00:00Z`, dataEndTime: `${isoDay(-4)}T23:59:59Z`, reportOptions: { asinGranularity: 'CHILD', dateGranularity: 'DAY' } },
      { reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US] },
    ];
    for (const request of requests) {
      const created = await outcome(() => api.createReportWithHttpInfo(request));
      conforms(models, api, 'createReport', created, 202);
      const reportId = (created.raw as { reportId: string }).reportId;
      let report = await outcome(() => api.getReportWithHttpInfo(reportId));
      for (let polls = 0; !['DONE', 'FATAL', 'CANCELLED'].includes((report.raw as { processingStatus: string }).processingStatus) && polls < 100; polls++) {
        conforms(models, api, 'getReport', report, 200);
        await sleep(25);
        report = await outcome(() => api.getReportWithHttpInfo(reportId));
      }
      conforms(models, api, 'getReport', report, 200);
      expect(report.raw).toMatchObject({ processingStatus: 'DONE', reportType: request.reportType });
      const documentId = (report.raw as { reportDocumentId: string }).reportDocumentId;
      const document = await outcome(() => api.getReportDocumentWithHttpInfo(documentId));
      conforms(models, api, 'getReportDocument', document, 200);
      const { url, compressionAlgorithm } = document.raw as { url: string; compressionAlgorithm?: string };
      const downloaded = await fetch(url);
      expect(downloaded.status).toBe(200);
      const bytes = Buffer.from(await downloaded.arrayBuffer());
      const content = JSON.parse((compressionAlgorithm === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8')) as Record<string, unknown>;
      expect(Object.keys(content)).toContain(request.reportType === 'GET_V2_SELLER_PERFORMANCE_REPORT' ? 'accountStatuses' : 'salesAndTrafficByDate');
    }
    conforms(models, api, 'getReport', await outcome(() => api.getReportWithHttpInfo('0')), 404, 'ErrorList');
    conforms(models, api, 'getReportDocument', await outcome(() => api.getReportDocumentWithHttpInfo('no-such-document')), 404, 'ErrorList');
    conforms(models, api, 'createReport', await outcome(() => api.createReportWithHttpInfo({ reportType: 'GET_NO_SUCH_REPORT', marketplaceIds: [US] })), 400, 'ErrorList');
  });

  it('feeds: createFeedDocument → upload → createFeed → getFeed → getFeedDocument → the processing report', async () => {
    const models = new SdkModels(FeedsSpApi, 'feeds');
    const api = new FeedsSpApi.FeedsApi(sdkClient(FeedsSpApi));
    const declared = await outcome(() => api.createFeedDocumentWithHttpInfo({ contentType: 'application/json' }));
    conforms(models, api, 'createFeedDocument', declared, 201);
    const { feedDocumentId, url } = declared.raw as { feedDocumentId: string; url: string };
    const feed = {
      header: { sellerId: NA.sellingPartnerId, version: '2.0', issueLocale: 'en_US' },
      messages: [
        { messageId: 1, sku: 'SS-MUG-001', operationType: 'PATCH', productType: NA.productTypeBySku['SS-MUG-001'], patches: [{ op: 'replace', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 12 }] }] },
        { messageId: 2, sku: NA.unknownSku, operationType: 'DELETE' },
      ],
    };
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(feed) });
    expect(put.status).toBe(200);
    const created = await outcome(() => api.createFeedWithHttpInfo({ feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: feedDocumentId }));
    conforms(models, api, 'createFeed', created, 202);
    const feedId = (created.raw as { feedId: string }).feedId;
    let status = await outcome(() => api.getFeedWithHttpInfo(feedId));
    for (let polls = 0; !['DONE', 'FATAL', 'CANCELLED'].includes((status.raw as { processingStatus: string }).processingStatus) && polls < 100; polls++) {
      conforms(models, api, 'getFeed', status, 200);
      await sleep(25);
      status = await outcome(() => api.getFeedWithHttpInfo(feedId));
    }
    conforms(models, api, 'getFeed', status, 200);
    expect(status.raw).toMatchObject({ processingStatus: 'DONE', feedType: 'JSON_LISTINGS_FEED' });
    const result = await outcome(() => api.getFeedDocumentWithHttpInfo((status.raw as { resultFeedDocumentId: string }).resultFeedDocumentId));
    conforms(models, api, 'getFeedDocument', result, 200);
    const { url: resultUrl, compressionAlgorithm } = result.raw as { url: string; compressionAlgorithm?: string };
    const bytes = Buffer.from(await (await fetch(resultUrl)).arrayBuffer());
    const report = JSON.parse((compressionAlgorithm === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8')) as { summary: Record<string, number> };
    expect(report.summary).toMatchObject({ messagesProcessed: 2, messagesAccepted: 1, messagesInvalid: 1 });
    conforms(models, api, 'getFeed', await outcome(() => api.getFeedWithHttpInfo('42')), 404, 'ErrorList');
    conforms(models, api, 'createFeed', await outcome(() => api.createFeedWithHttpInfo({ feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US] })), 400, 'ErrorList');
  });

  it('uploads and A+: createUploadDestinationForResource → upload → validate → create → ASINs → submission', async () => {
    const uploadModels = new SdkModels(UploadsSpApi, 'uploads');
    const uploads = new UploadsSpApi.UploadsApi(sdkClient(UploadsSpApi));
    const md5 = createHash('md5').update(PNG).digest('base64');
    const destination = await outcome(() => uploads.createUploadDestinationForResourceWithHttpInfo([US], md5, 'aplus/2020-11-01/contentDocuments', { contentType: 'image/png' }));
    conforms(uploadModels, uploads, 'createUploadDestinationForResource', destination, 201);
    const { uploadDestinationId, url } = (destination.raw as { payload: { uploadDestinationId: string; url: string } }).payload;
    const target = new URL(url);
    const form = new FormData();
    for (const [name, value] of target.searchParams) form.append(name, value);
    form.append('file', new Blob([PNG], { type: 'image/png' }));
    expect((await fetch(`${target.origin}${target.pathname}`, { method: 'POST', body: form })).status).toBe(204);
    conforms(uploadModels, uploads, 'createUploadDestinationForResource', await outcome(() => uploads.createUploadDestinationForResourceWithHttpInfo([US], md5, 'aplus/2020-11-01/contentDocuments')), 400, 'CreateUploadDestinationResponse');

    const models = new SdkModels(ApluscontentSpApi, 'aplus');
    const api = new ApluscontentSpApi.AplusContentApi(sdkClient(ApluscontentSpApi));
    const contentDocument = contentDocumentWith(uploadDestinationId);
    const asins = NA.asins.slice(0, 2);
    const valid = await outcome(() => api.validateContentDocumentAsinRelationsWithHttpInfo(US, { contentDocument }, { asinSet: asins }));
    conforms(models, api, 'validateContentDocumentAsinRelations', valid, 200);
    expect((valid.raw as { errors: unknown[] }).errors).toEqual([]);
    const foreign = await outcome(() => api.validateContentDocumentAsinRelationsWithHttpInfo(US, { contentDocument }, { asinSet: [asins[0]!, 'B0FOREIGN1'] }));
    conforms(models, api, 'validateContentDocumentAsinRelations', foreign, 200);
    expect((foreign.raw as { errors: unknown[] }).errors).toHaveLength(1);
    const created = await outcome(() => api.createContentDocumentWithHttpInfo(US, { contentDocument }));
    conforms(models, api, 'createContentDocument', created, 200);
    conforms(models, api, 'createContentDocument', await outcome(() => api.createContentDocumentWithHttpInfo(US, { contentDocument: contentDocumentWith('never-issued') })), 400, 'ErrorList');
    const key = (created.raw as { contentReferenceKey: string }).contentReferenceKey;
    conforms(models, api, 'postContentDocumentAsinRelations', await outcome(() => api.postContentDocumentAsinRelationsWithHttpInfo(key, US, { asinSet: asins })), 200);
    conforms(models, api, 'postContentDocumentAsinRelations', await outcome(() => api.postContentDocumentAsinRelationsWithHttpInfo(key, US, { asinSet: ['B0FOREIGN1'] })), 400, 'ErrorList');
    conforms(models, api, 'postContentDocumentApprovalSubmission', await outcome(() => api.postContentDocumentApprovalSubmissionWithHttpInfo(key, US)), 200);
    conforms(models, api, 'postContentDocumentApprovalSubmission', await outcome(() => api.postContentDocumentApprovalSubmissionWithHttpInfo('no-such-key', US)), 404, 'ErrorList');
  });

  it('solicitations: an eligible order and an unknown one', async () => {
    const models = new SdkModels(SolicitationsSpApi, 'solicitations');
    const api = new SolicitationsSpApi.SolicitationsApi(sdkClient(SolicitationsSpApi));
    const order = NA.orders.eligible[3]!;
    const actions = await outcome(() => api.getSolicitationActionsForOrderWithHttpInfo(order, [US]));
    conforms(models, api, 'getSolicitationActionsForOrder', actions, 200);
    expect(actions.response.type).toBe('application/hal+json');
    expect(JSON.stringify(actions.raw)).toContain('productReviewAndSellerFeedback');
    conforms(models, api, 'createProductReviewAndSellerFeedbackSolicitation', await outcome(() => api.createProductReviewAndSellerFeedbackSolicitationWithHttpInfo(order, [US])), 201);
    const unknown = NA.orders.unknown;
    conforms(models, api, 'getSolicitationActionsForOrder', await outcome(() => api.getSolicitationActionsForOrderWithHttpInfo(unknown, [US])), 404, 'GetSolicitationActionsForOrderResponse');
    conforms(models, api, 'createProductReviewAndSellerFeedbackSolicitation', await outcome(() => api.createProductReviewAndSellerFeedbackSolicitationWithHttpInfo(unknown, [US])), 404, 'CreateProductReviewAndSellerFeedbackSolicitationResponse');
  });

  it('covered every operation the broker calls', () => {
    // Every OperationName, or TypeScript refuses this object: an operation the broker starts using must be added here.
    const all = {
      getMarketplaceParticipations: true,
      searchListingsItems: true,
      getListingsItem: true,
      patchListingsItem: true,
      searchCatalogItems: true,
      getCatalogItem: true,
      getOrderMetrics: true,
      createReport: true,
      getReport: true,
      getReportDocument: true,
      createFeedDocument: true,
      createFeed: true,
      getFeed: true,
      getFeedDocument: true,
      createContentDocument: true,
      validateContentDocumentAsinRelations: true,
      postContentDocumentAsinRelations: true,
      postContentDocumentApprovalSubmission: true,
      createUploadDestinationForResource: true,
      getSolicitationActionsForOrder: true,
      createProductReviewAndSellerFeedbackSolicitation: true,
    } satisfies Record<OperationName, true>;
    expect([...covered].sort()).toEqual(Object.keys(all).sort());
  });
});
